import { useState } from 'react';
import { Alert, Button, Form, Input } from 'antd';
import { Link, useLocation, useNavigate } from 'react-router';
import { useMutation } from 'urql';
import { ErrorAlert } from '../components/ErrorAlert';
import { PublicLayout } from '../layout/PublicLayout';
import { useT } from '../i18n';
import { confirmRules, newPasswordRules } from './passwordRules';
import { graphql } from '../gql';
import { isSsoReturnPath } from '../sso/step';

const RequestPasswordResetMutation = graphql(`
  mutation RequestPasswordReset($login: String!) {
    requestPasswordReset(login: $login)
  }
`);

const ResetPasswordMutation = graphql(`
  mutation ResetPassword($input: ResetPasswordInput!) {
    resetPassword(input: $input)
  }
`);


/** Forgot password: ask for a code by SMS, then set a new password with it (source §4.3). */
export function ForgotPasswordPage() {
  const t = useT();
  const navigate = useNavigate();
  // Opened from a single sign-on page: go back there afterwards (only such a path).
  const returnTo: unknown = (useLocation().state as { returnTo?: unknown } | null)?.returnTo;
  const back = isSsoReturnPath(returnTo) ? returnTo : '/signin';
  const [login, setLogin] = useState('');
  const [step, setStep] = useState<0 | 1 | 2>(0);
  const [reqState, request] = useMutation(RequestPasswordResetMutation);
  const [resetState, reset] = useMutation(ResetPasswordMutation);

  return (
    <PublicLayout title={t('forgot.title')} width={480}>
      <p className="muted" data-testid="forgot-step" aria-live="polite" style={{ marginTop: -8 }}>
        {t('forgot.stepOf', { n: step + 1, title: [t('forgot.step1'), t('forgot.step2'), t('forgot.step3')][step] })}
      </p>
      {step === 0 && (
        <>
          <ErrorAlert error={reqState.error} />
          <Form<{ login: string }>
            layout="vertical"
            requiredMark={false}
            onFinish={async (f) => {
              const r = await request({ login: f.login.trim() });
              if (r.error) return;
              setLogin(f.login.trim());
              setStep(1);
            }}
          >
            <Form.Item label={t('signIn.login')} name="login" rules={[{ required: true, whitespace: true, message: t('signIn.loginRequired') }]}>
              <Input autoFocus autoComplete="username" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={reqState.fetching}>
              {t('forgot.sendCode')}
            </Button>
          </Form>
        </>
      )}
      {step === 1 && (
        <>
          <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('forgot.codeSent')} />
          <ErrorAlert error={resetState.error} />
          <Form<{ code: string; newPassword: string; confirm: string }>
            layout="vertical"
            requiredMark={false}
            onFinish={async (f) => {
              const r = await reset({ input: { login, code: f.code.trim(), newPassword: f.newPassword } });
              if (r.error) return;
              setStep(2);
            }}
          >
            <Form.Item
              label={t('forgot.code')}
              name="code"
              rules={[{ required: true, pattern: /^\s*\d{6}\s*$/, message: t('validate.otp') }]}
            >
              <Input autoFocus inputMode="numeric" autoComplete="one-time-code" maxLength={6} style={{ letterSpacing: 4 }} />
            </Form.Item>
            <Form.Item label={t('changePassword.new')} name="newPassword" rules={newPasswordRules(t)} extra={t('changePassword.rule')}>
              <Input.Password autoComplete="new-password" />
            </Form.Item>
            <Form.Item label={t('changePassword.confirm')} name="confirm" dependencies={['newPassword']} rules={confirmRules(t)}>
              <Input.Password autoComplete="new-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={resetState.fetching}>
              {t('forgot.submit')}
            </Button>
            <Button type="link" block onClick={() => setStep(0)} style={{ marginTop: 8 }}>
              {t('forgot.again')}
            </Button>
          </Form>
        </>
      )}
      {step === 2 && (
        <>
          <Alert type="success" showIcon role="status" style={{ marginBottom: 16 }} title={t('forgot.done')} />
          <Button type="primary" block onClick={() => navigate(back)}>
            {t('signIn.submit')}
          </Button>
        </>
      )}
      {step !== 2 && (
        <div style={{ textAlign: 'center', marginTop: 12 }}>
          <Link to={back}>{t('forgot.back')}</Link>
        </div>
      )}
    </PublicLayout>
  );
}
