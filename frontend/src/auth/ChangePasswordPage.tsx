import { Alert, App, Button, Form, Input } from 'antd';
import { Navigate, useNavigate } from 'react-router';
import { useMutation } from 'urql';
import { ChangePasswordMutation } from '../graphql/operations';
import { ErrorAlert } from '../components/ErrorAlert';
import { PublicLayout } from '../layout/PublicLayout';
import { useT } from '../i18n';
import { homePath, useViewer } from './viewer';
import { confirmRules, newPasswordRules } from './passwordRules';
import { SignOutButton } from './SignOutButton';

interface Fields {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

/** The form to change one's password; forced at the first sign-in with the SMS password. */
export function ChangePasswordForm({ onDone }: { onDone: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const [state, change] = useMutation(ChangePasswordMutation);
  const [form] = Form.useForm<Fields>();
  const onFinish = async (f: Fields) => {
    const r = await change({ input: { currentPassword: f.currentPassword, newPassword: f.newPassword } });
    if (r.error) return;
    message.success(t('changePassword.done'));
    form.resetFields();
    onDone();
  };
  return (
    <>
      <ErrorAlert error={state.error} />
      <Form<Fields> form={form} layout="vertical" onFinish={onFinish} requiredMark={false}>
        <Form.Item label={t('changePassword.current')} name="currentPassword" rules={[{ required: true, message: t('validate.password.required') }]}>
          <Input.Password autoFocus autoComplete="current-password" />
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
    </>
  );
}

/** The forced password change after signing in with an initial (SMS) password. */
export function ForcedChangePasswordPage() {
  const t = useT();
  const navigate = useNavigate();
  const { viewer, refetch } = useViewer();
  if (!viewer) return <Navigate to="/signin" replace />;
  if (!viewer.account.mustChangePassword) return <Navigate to={homePath(viewer)} replace />;
  return (
    <PublicLayout title={t('changePassword.forcedTitle')}>
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('changePassword.forcedWhy')} />
      <ChangePasswordForm
        onDone={() => {
          refetch();
          navigate('/', { replace: true });
        }}
      />
      <div style={{ marginTop: 12, textAlign: 'center' }}>
        <SignOutButton type="link" />
      </div>
    </PublicLayout>
  );
}
