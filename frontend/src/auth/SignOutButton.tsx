import { Button, type ButtonProps } from 'antd';
import { LogoutOutlined } from '@ant-design/icons';
import { useNavigate } from 'react-router';
import { useMutation } from 'urql';
import { useResetClient } from '../graphql/client';
import { useT } from '../i18n';
import { graphql } from '../gql';

const SignOutMutation = graphql(`
  mutation SignOut {
    signOut
  }
`);


/** Ends the session, drops every cached answer and goes to the sign-in screen. */
export function useSignOut(): [boolean, () => Promise<void>] {
  const [state, signOut] = useMutation(SignOutMutation);
  const resetClient = useResetClient();
  const navigate = useNavigate();
  return [
    state.fetching,
    async () => {
      await signOut({});
      resetClient();
      navigate('/signin', { replace: true });
    },
  ];
}

/** A button that signs out. */
export function SignOutButton({ type = 'default' }: { type?: ButtonProps['type'] }) {
  const t = useT();
  const [busy, signOut] = useSignOut();
  return (
    <Button type={type} icon={<LogoutOutlined />} loading={busy} onClick={signOut}>
      {t('signOut')}
    </Button>
  );
}
