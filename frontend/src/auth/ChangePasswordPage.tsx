import { useState } from 'react';
import { Alert, Button, Form, Input } from 'antd';
import { Navigate } from 'react-router';
import { useMutation } from 'urql';
import { ErrorAlert } from '../components/ErrorAlert';
import { PublicLayout } from '../layout/PublicLayout';
import { useT } from '../i18n';
import { homePath, useViewer } from './viewer';
import { confirmRules, newPasswordRules } from './passwordRules';
import { SignOutButton } from './SignOutButton';
import { graphql } from '../gql';

const ChangePasswordMutation = graphql(`
  mutation ChangePassword($input: ChangePasswordInput!) {
    changePassword(input: $input)
  }
`);

interface Fields {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

/**
 * The form to change one's password; forced at the first sign-in with the SMS
 * password. It says itself that the change worked (done), unless the screen
 * around it moves on (onDone).
 */
export function ChangePasswordForm({ onDone, autoFocus = false }: { onDone?: () => void; autoFocus?: boolean }) {
  const t = useT();
  const [state, change] = useMutation(ChangePasswordMutation);
  const [done, setDone] = useState(false);
  const [form] = Form.useForm<Fields>();
  const onFinish = async (f: Fields) => {
    setDone(false);
    const r = await change({ input: { currentPassword: f.currentPassword, newPassword: f.newPassword } });
    if (r.error) return;
    form.resetFields();
    if (onDone) onDone();
    else setDone(true);
  };
  return (
    <>
      <ErrorAlert error={state.error} />
      <Form<Fields> form={form} layout="vertical" onFinish={onFinish} requiredMark={false} onValuesChange={() => setDone(false)}>
        <Form.Item label={t('changePassword.current')} name="currentPassword" rules={[{ required: true, message: t('validate.password.required') }]}>
          <Input.Password autoFocus={autoFocus} autoComplete="current-password" />
        </Form.Item>
        <Form.Item label={t('changePassword.new')} name="newPassword" rules={newPasswordRules(t)} extra={t('changePassword.rule')}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item label={t('changePassword.confirm')} name="confirm" dependencies={['newPassword']} rules={confirmRules(t)}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={state.fetching}>
          {t('changePassword.submit')}
        </Button>
      </Form>
      {done ? <Alert type="success" showIcon role="status" style={{ marginTop: 12 }} title={t('changePassword.done')} data-testid="password-changed" /> : null}
    </>
  );
}

/**
 * The forced password change after signing in with an initial (SMS) password.
 * Once the server has the new password, the account page opens and says so.
 */
export function ForcedChangePasswordPage() {
  const t = useT();
  const { viewer, fetching, refetch } = useViewer();
  const [changed, setChanged] = useState(false);
  if (!viewer) return fetching ? null : <Navigate to="/signin" replace />;
  if (!viewer.account.mustChangePassword) {
    return changed ? <Navigate to="/me" replace state={{ passwordChanged: true }} /> : <Navigate to={homePath(viewer)} replace />;
  }
  return (
    <PublicLayout title={t('changePassword.forcedTitle')}>
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('changePassword.forcedWhy')} />
      <ChangePasswordForm
        autoFocus
        onDone={() => {
          setChanged(true);
          refetch();
        }}
      />
      <div style={{ marginTop: 12, textAlign: 'center' }}>
        <SignOutButton type="link" />
      </div>
    </PublicLayout>
  );
}
