import { Button, Form, Input } from 'antd';
import { Link, Navigate, useNavigate } from 'react-router';
import { useMutation } from 'urql';
import { useResetClient } from '../graphql/client';
import { ErrorAlert } from '../components/ErrorAlert';
import { PublicLayout } from '../layout/PublicLayout';
import { useT } from '../i18n';
import { homePath, useViewer } from './viewer';
import { graphql } from '../gql';

const SignInMutation = graphql(`
  mutation SignIn($input: SignInInput!) {
    signIn(input: $input) {
      mustChangePassword
      viewer {
        roles
      }
    }
  }
`);


interface Fields {
  login: string;
  password: string;
}

/** Sign-in with an ID number or a phone number and a password. */
export function SignInPage() {
  const t = useT();
  const navigate = useNavigate();
  const resetClient = useResetClient();
  const { viewer } = useViewer();
  const [state, signIn] = useMutation(SignInMutation);
  if (viewer) return <Navigate to={homePath(viewer)} replace />;

  const onFinish = async (f: Fields) => {
    const r = await signIn({ input: { login: f.login.trim(), password: f.password } });
    if (r.error || !r.data) return;
    // A fresh client: the WebSocket must reconnect with the new session cookie.
    resetClient();
    navigate(r.data.signIn.mustChangePassword ? '/change-password' : '/', { replace: true });
  };

  return (
    <PublicLayout title={t('signIn.title')}>
      <ErrorAlert error={state.error} />
      <Form<Fields> layout="vertical" onFinish={onFinish} requiredMark={false}>
        <Form.Item
          label={t('signIn.login')}
          name="login"
          extra={t('signIn.loginHelp')}
          rules={[{ required: true, whitespace: true, message: t('signIn.loginRequired') }]}
        >
          <Input autoFocus autoComplete="username" size="large" />
        </Form.Item>
        <Form.Item label={t('field.password')} name="password" rules={[{ required: true, message: t('validate.password.required') }]}>
          <Input.Password autoComplete="current-password" size="large" />
        </Form.Item>
        <Button type="primary" htmlType="submit" size="large" block loading={state.fetching}>
          {t('signIn.submit')}
        </Button>
      </Form>
      <p style={{ marginTop: 16, marginBottom: 0, textAlign: 'center' }}>
        <Link to="/forgot-password">{t('signIn.forgot')}</Link>
      </p>
    </PublicLayout>
  );
}
