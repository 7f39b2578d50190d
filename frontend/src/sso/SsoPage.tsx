import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Flex, Form, Input, Result, Skeleton, Tag, Typography } from 'antd';
import { CheckCircleOutlined, SafetyCertificateOutlined, WarningFilled } from '@ant-design/icons';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import type { OidcAuthRequestQuery as AuthRequestResult } from '../gql/graphql';
import { useResetClient } from '../graphql/client';
import { useLang } from '../i18n';
import { appErrors } from '../lib/errors';
import { PublicLayout } from '../layout/PublicLayout';
import { ChangePasswordForm } from '../auth/ChangePasswordPage';
import { useViewer } from '../auth/viewer';
import {
  ApproveOidcAuthRequestMutation, DenyOidcAuthRequestMutation, OidcAuthRequestQuery, SsoSignInMutation, SsoSignOutMutation,
} from './operations';
import { useSsoT } from './i18n';
import { RefusalAlert } from './RefusalAlert';
import { scopeItems } from './scopes';
import { preferredLang, ssoStep } from './step';

type AuthRequest = NonNullable<AuthRequestResult['oidcAuthRequest']>;

/**
 * The sign-in handoff of single sign-on (/sso/:id): the OpenID Provider sends the
 * browser here with the id of a pending authorization request. The page names the
 * system that asks, then signs in, forces the change of an initial password, and
 * asks for consent, as the server's `next` says; it re-asks after every step.
 */
export function SsoPage() {
  const t = useSsoT();
  const { id = '' } = useParams();
  const { lang, setLang } = useLang();
  const [{ data, error }, reexecute] = useQuery({ query: OidcAuthRequestQuery, variables: { id }, requestPolicy: 'network-only' });
  const req = data?.oidcAuthRequest;
  const step = ssoStep({ request: data ? req : undefined, errorCodes: appErrors(error, t).map((e) => e.code) });
  const refresh = () => reexecute({ requestPolicy: 'network-only' });

  // ui_locales: the language the relying party asks for, once per request, so
  // that the person's own switch afterwards wins.
  const langApplied = useRef<string | null>(null);
  useEffect(() => {
    if (!req || langApplied.current === req.id) return;
    langApplied.current = req.id;
    const want = preferredLang(req.uiLocales);
    if (want && want !== lang) setLang(want);
  }, [req, lang, setLang]);

  useEffect(() => {
    document.title = req ? `${t('sso.title')} — ${req.clientName}` : t('sso.title');
  }, [req, t]);

  switch (step) {
    case 'loading':
      return (
        <PublicLayout title={t('sso.title')} width={480}>
          <Skeleton active />
        </PublicLayout>
      );
    case 'failed':
      return (
        <PublicLayout title={t('sso.failed.title')} width={480}>
          <RefusalAlert error={error} />
          <Button onClick={refresh}>{t('action.reload')}</Button>
        </PublicLayout>
      );
    case 'expired':
      return (
        <PublicLayout title={t('sso.title')} width={480}>
          <Result
            status="warning"
            data-testid="sso-expired"
            title={t('sso.expired.title')}
            subTitle={t('sso.expired.body')}
            extra={<Link to="/">{t('action.home')}</Link>}
          />
        </PublicLayout>
      );
    case 'signIn':
      return req ? <SignInStep req={req} /> : null;
    case 'changePassword':
      return <ChangePasswordStep req={req ?? null} onDone={refresh} />;
    case 'consent':
      return req ? <ConsentStep req={req} /> : null;
  }
}

/** "<system> đề nghị đăng nhập bằng tài khoản của bạn", with the owning unit. */
function Requester({ req }: { req: AuthRequest }) {
  const t = useSsoT();
  const [before, after] = t('sso.asks').split('{client}');
  return (
    <Flex
      gap={12}
      align="flex-start"
      data-testid="sso-requester"
      style={{ background: '#e6f0fa', border: '1px solid #b5cde8', borderRadius: 6, padding: '12px 14px', marginBottom: 20 }}
    >
      <SafetyCertificateOutlined aria-hidden style={{ color: '#0b5cab', fontSize: 22, marginTop: 2 }} />
      <div>
        <Typography.Text style={{ fontSize: 15 }}>
          {before}
          <strong data-testid="sso-client-name">{req.clientName}</strong>
          {after}
        </Typography.Text>
        {req.clientUnitName ? (
          <div>
            <Typography.Text type="secondary">{t('sso.unit', { unit: req.clientUnitName })}</Typography.Text>
          </div>
        ) : null}
      </div>
    </Flex>
  );
}

/** Leaves for the relying party with the URL approve or deny answers. */
function useLeave(id: string) {
  const [approveState, approve] = useMutation(ApproveOidcAuthRequestMutation);
  const [denyState, deny] = useMutation(DenyOidcAuthRequestMutation);
  // Which button was pressed, until it fails; left: the browser is on its way.
  const [pending, setPending] = useState<'approve' | 'deny' | null>(null);
  const [left, setLeft] = useState(false);
  const go = async (which: 'approve' | 'deny') => {
    setPending(which);
    const r = which === 'approve' ? await approve({ id }) : await deny({ id });
    const url = r.data && ('approveOIDCAuthRequest' in r.data ? r.data.approveOIDCAuthRequest.url : r.data.denyOIDCAuthRequest.url);
    if (!url) {
      setPending(null);
      return;
    }
    setLeft(true);
    window.location.assign(url);
  };
  return {
    pending,
    left,
    error: approveState.error ?? denyState.error,
    approve: () => go('approve'),
    deny: () => go('deny'),
  };
}

/** Signs out and rebuilds the client, so the page asks again for the next step. */
function useSsoSignOut(): [boolean, () => Promise<void>] {
  const [state, signOut] = useMutation(SsoSignOutMutation);
  const resetClient = useResetClient();
  return [
    state.fetching,
    async () => {
      await signOut({});
      resetClient();
    },
  ];
}

interface SignInFields {
  login: string;
  password: string;
}

function SignInStep({ req }: { req: AuthRequest }) {
  const t = useSsoT();
  const resetClient = useResetClient();
  const [state, signIn] = useMutation(SsoSignInMutation);
  const leave = useLeave(req.id);
  const onFinish = async (f: SignInFields) => {
    const r = await signIn({ input: { login: f.login.trim(), password: f.password } });
    if (r.error || !r.data) return;
    // A fresh client carries the new session (WebSocket too); the page then asks
    // the server for the next step with it.
    resetClient();
  };
  return (
    <PublicLayout title={t('sso.signIn.title')} width={480}>
      <Requester req={req} />
      <RefusalAlert error={state.error ?? leave.error} />
      <Form<SignInFields> layout="vertical" onFinish={onFinish} requiredMark={false} initialValues={{ login: req.loginHint ?? '' }}>
        <Form.Item
          label={t('signIn.login')}
          name="login"
          extra={t('signIn.loginHelp')}
          rules={[{ required: true, whitespace: true, message: t('signIn.loginRequired') }]}
        >
          <Input autoFocus={!req.loginHint} autoComplete="username" size="large" />
        </Form.Item>
        <Form.Item label={t('field.password')} name="password" rules={[{ required: true, message: t('validate.password.required') }]}>
          <Input.Password autoFocus={!!req.loginHint} autoComplete="current-password" size="large" />
        </Form.Item>
        <Button type="primary" htmlType="submit" size="large" block loading={state.fetching} disabled={leave.pending !== null}>
          {t('signIn.submit')}
        </Button>
      </Form>
      <Flex justify="space-between" wrap gap={8} style={{ marginTop: 16 }}>
        <Link to="/forgot-password" state={{ returnTo: `/sso/${req.id}` }}>
          {t('signIn.forgot')}
        </Link>
        <Button type="link" style={{ padding: 0, height: 'auto' }} onClick={leave.deny} loading={leave.pending === 'deny'}>
          {t('sso.signIn.cancel')}
        </Button>
      </Flex>
    </PublicLayout>
  );
}

function ChangePasswordStep({ req, onDone }: { req: AuthRequest | null; onDone: () => void }) {
  const t = useSsoT();
  const { refetch } = useViewer();
  const [signingOut, signOut] = useSsoSignOut();
  return (
    <PublicLayout title={t('sso.change.title')} width={480}>
      {req ? <Requester req={req} /> : null}
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('sso.change.why')} />
      <ChangePasswordForm
        onDone={() => {
          refetch();
          onDone();
        }}
      />
      <div style={{ marginTop: 12, textAlign: 'center' }}>
        <Button type="link" loading={signingOut} onClick={signOut}>
          {t('signOut')}
        </Button>
      </div>
    </PublicLayout>
  );
}

function ConsentStep({ req }: { req: AuthRequest }) {
  const t = useSsoT();
  const { viewer } = useViewer();
  const [signingOut, signOut] = useSsoSignOut();
  const leave = useLeave(req.id);
  const [before, after] = t('sso.consent.intro').split('{client}');
  return (
    <PublicLayout title={t('sso.consent.title')} width={520}>
      <Requester req={req} />
      {viewer ? (
        <Typography.Paragraph>
          {t('sso.consent.signedInAs', { name: viewer.account.fullName })}{' '}
          <Button type="link" style={{ padding: 0, height: 'auto' }} loading={signingOut} disabled={leave.pending !== null} onClick={signOut}>
            {t('sso.consent.notYou')}
          </Button>
        </Typography.Paragraph>
      ) : null}
      <Typography.Paragraph strong id="consent-intro">
        {before}
        {req.clientName}
        {after}
      </Typography.Paragraph>
      <ul aria-labelledby="consent-intro" data-testid="consent-scopes" style={{ listStyle: 'none', padding: 0, margin: '0 0 16px' }}>
        {scopeItems(req.scopes).map((s) => (
          <li
            key={s.scope}
            data-scope={s.scope}
            style={{
              display: 'flex',
              gap: 10,
              alignItems: 'flex-start',
              padding: '8px 10px',
              marginBottom: 6,
              borderRadius: 6,
              background: s.sensitive ? '#fff7e6' : '#fafafa',
              border: `1px solid ${s.sensitive ? '#ffc069' : '#f0f0f0'}`,
            }}
          >
            {s.sensitive ? (
              <WarningFilled aria-hidden style={{ color: '#d46b08', marginTop: 4 }} />
            ) : (
              <CheckCircleOutlined aria-hidden style={{ color: '#389e0d', marginTop: 4 }} />
            )}
            <span style={{ flex: 1 }}>
              <Typography.Text strong={s.sensitive}>{s.key ? t(s.key) : s.scope}</Typography.Text>
              {s.sensitive ? (
                <Tag color="orange" style={{ marginInlineStart: 8 }}>
                  {t('sso.consent.sensitive')}
                </Tag>
              ) : null}
            </span>
          </li>
        ))}
      </ul>
      <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
        {t('sso.consent.remember')}
      </Typography.Paragraph>
      <RefusalAlert error={leave.error} />
      <Flex gap={12}>
        <Button size="large" style={{ flex: 1 }} onClick={leave.deny} loading={leave.pending === 'deny'} disabled={leave.pending === 'approve'}>
          {t('sso.consent.deny')}
        </Button>
        <Button
          type="primary"
          size="large"
          style={{ flex: 1 }}
          onClick={leave.approve}
          loading={leave.pending === 'approve'}
          disabled={leave.pending === 'deny'}
        >
          {t('sso.consent.approve')}
        </Button>
      </Flex>
      {leave.left ? (
        <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0, textAlign: 'center' }} aria-live="polite">
          {t('sso.consent.leaving')}
        </Typography.Paragraph>
      ) : null}
    </PublicLayout>
  );
}
