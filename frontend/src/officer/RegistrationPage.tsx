import { useMemo, useState } from 'react';
import { Alert, Button, Col, Descriptions, Flex, Form, Input, Popconfirm, Result, Row, Skeleton, Typography } from 'antd';
import { DownloadOutlined, PrinterOutlined, SendOutlined, UserAddOutlined } from '@ant-design/icons';
import { Link, useNavigate, useParams } from 'react-router';
import { useMutation, useQuery, useSubscription } from 'urql';
import type { RegistrationEventsSubscription as EventData, RegistrationFieldsFragment, SmsFieldsFragment } from '../gql/graphql';
import { graphql } from '../gql';
import { useT } from '../i18n';
import { formatCountdown, secondsLeft, secondsUntil } from '../lib/countdown';
import { appErrors, hasCode } from '../lib/errors';
import { formatClock, formatDate } from '../lib/format';
import { useNow } from '../lib/useNow';
import { useIsPhone } from '../lib/useScreen';
import { ErrorAlert } from '../components/ErrorAlert';
import { Page, Section } from '../components/Page';
import { RegistrationStateTag } from '../components/Tags';
import { SmsTimeline, smsFailed } from '../components/SmsTimeline';
import { WizardSteps } from './WizardSteps';
import { currentRegistration, messagesOfKind, seenInEvents, stepOf, type SeenTimes } from './registrationView';

const RegistrationQuery = graphql(`
  query Registration($id: ID!) {
    node(id: $id) {
      __typename
      ... on Registration {
        ...RegistrationFields
      }
    }
  }
`);

const SendRegistrationOTPMutation = graphql(`
  mutation SendRegistrationOTP($registrationID: ID!) {
    sendRegistrationOTP(registrationID: $registrationID) {
      ...RegistrationFields
    }
  }
`);

const CompleteRegistrationMutation = graphql(`
  mutation CompleteRegistration($registrationID: ID!, $code: String!) {
    completeRegistration(registrationID: $registrationID, code: $code) {
      ...RegistrationFields
    }
  }
`);

const CancelRegistrationMutation = graphql(`
  mutation CancelRegistration($registrationID: ID!) {
    cancelRegistration(registrationID: $registrationID) {
      ...RegistrationFields
    }
  }
`);

const ResendInitialPasswordMutation = graphql(`
  mutation ResendInitialPassword($accountID: ID!) {
    resendInitialPassword(accountID: $accountID) {
      ...SMSFields
    }
  }
`);

const RegistrationEventsSubscription = graphql(`
  subscription RegistrationEvents($registrationID: ID!) {
    registrationEvents(registrationID: $registrationID) {
      kind
      at
      sms {
        ...SMSFields
      }
      registration {
        ...RegistrationFields
      }
    }
  }
`);

type Event = EventData['registrationEvents'];

/**
 * Steps 2 and 3 of source §3 for one registration, resumable from the server: the
 * request form, the OTP with its live delivery, the code entry, and the password
 * SMS after the account is created.
 */
export function RegistrationPage() {
  const t = useT();
  const { id = '' } = useParams();
  const [{ data, fetching, error }] = useQuery({ query: RegistrationQuery, variables: { id } });
  const [events] = useSubscription<EventData, Event[]>(
    { query: RegistrationEventsSubscription, variables: { registrationID: id } },
    (prev, ev) => [...(prev ?? []), ev.registrationEvents].slice(-100),
  );
  // What the mutations answered; with the query and the live events, the screen derives what to show.
  const [answers, setAnswers] = useState<RegistrationFieldsFragment[]>([]);
  const [resentSms, setResentSms] = useState<SmsFieldsFragment[]>([]);

  const fromQuery = data?.node?.__typename === 'Registration' ? data.node : null;
  const reg = currentRegistration([fromQuery, ...answers, ...(events.data ?? []).map((e) => e.registration)], resentSms);
  const seen = useMemo(() => seenInEvents(events.data ?? []), [events.data]);

  if (fetching && !reg) return <Skeleton active />;
  if (!reg) {
    if (error) return <ErrorAlert error={error} />;
    return <Result status="404" title={t('reg.notFound')} extra={<Link to="/officer/accounts">{t('wizard.backToList')}</Link>} />;
  }

  const live = !events.error;
  return (
    <Page
      title={
        <Flex wrap gap={8} align="center" component="span">
          {t('wizard.title')} <RegistrationStateTag state={reg.state} />
        </Flex>
      }
      extra={<Link to="/officer/accounts">{t('wizard.backToList')}</Link>}
    >
      <WizardSteps current={stepOf(reg.state)} done={reg.state === 'CREATED'} />
      {!live ? <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={t('reg.liveLost')} /> : null}
      {reg.state === 'CANCELLED' || reg.state === 'EXPIRED' ? (
        <Result
          status="warning"
          title={t(reg.state === 'CANCELLED' ? 'reg.cancelled' : 'reg.expired')}
          extra={<Link to="/officer/registrations/new">{t('reg.startNew')}</Link>}
        />
      ) : reg.state === 'CREATED' ? (
        <Created reg={reg} seen={seen} onResent={(m) => setResentSms((x) => [...x, m])} />
      ) : (
        <Confirm reg={reg} seen={seen} onChange={(r) => setAnswers((x) => [...x, r])} />
      )}
    </Page>
  );
}

function Summary({ reg }: { reg: RegistrationFieldsFragment }) {
  const t = useT();
  const phone = useIsPhone();
  return (
    <Descriptions column={{ xs: 1, sm: 1, md: 2, lg: 2, xl: 1, xxl: 2 }} size="small" bordered={!phone} layout={phone ? 'vertical' : 'horizontal'} style={{ marginBottom: 12 }}>
      <Descriptions.Item label={t('field.fullName')}>{reg.fullName}</Descriptions.Item>
      <Descriptions.Item label={t('field.dateOfBirth')}>{formatDate(reg.dateOfBirth)}</Descriptions.Item>
      <Descriptions.Item label={t('field.phone')}>{reg.phoneMasked}</Descriptions.Item>
      <Descriptions.Item label={t('field.email')}>{reg.email || '—'}</Descriptions.Item>
      <Descriptions.Item label={t('field.unit')}>{reg.unit.name}</Descriptions.Item>
    </Descriptions>
  );
}

interface ConfirmProps {
  reg: RegistrationFieldsFragment;
  seen: SeenTimes;
  onChange: (r: RegistrationFieldsFragment) => void;
}

/**
 * Step 2 (request form; send the OTP and watch it arrive) beside step 3 (enter the
 * latest code, create the account): on a desk screen the send button, the live
 * delivery and the code field sit in one column, all in sight at once.
 */
function Confirm({ reg, seen, onChange }: ConfirmProps) {
  const t = useT();
  const navigate = useNavigate();
  const now = useNow(1000);
  const [sendState, send] = useMutation(SendRegistrationOTPMutation);
  const [cancelState, cancel] = useMutation(CancelRegistrationMutation);

  const otps = messagesOfKind(reg.sms, 'REGISTRATION_OTP');
  const latest = otps[0];
  const wait = secondsUntil(reg.resendAvailableAt, now);
  const sent = reg.state === 'OTP_SENT';

  const onSend = async () => {
    const r = await send({ registrationID: reg.id });
    if (r.data) onChange(r.data.sendRegistrationOTP);
  };

  const printForm = () => {
    const w = window.open(reg.requestFormURL, '_blank');
    w?.addEventListener('load', () => w.print());
  };

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={11}>
        <Section title={t('wizard.step2')}>
          <Summary reg={reg} />
          <Flex wrap gap={8} style={{ marginBottom: 8 }}>
            <Button icon={<DownloadOutlined />} href={reg.requestFormURL} download data-testid="download-form">
              {t('reg.downloadForm')}
            </Button>
            <Button icon={<PrinterOutlined />} onClick={printForm}>
              {t('reg.printForm')}
            </Button>
          </Flex>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 12 }}>
            {t('reg.formHint')}
          </Typography.Paragraph>
          <ErrorAlert error={cancelState.error} />
          <Popconfirm
            title={t('reg.cancelConfirm')}
            okText={t('reg.cancel')}
            cancelText={t('action.no')}
            onConfirm={async () => {
              const r = await cancel({ registrationID: reg.id });
              if (r.data) navigate('/officer/accounts');
            }}
          >
            <Button danger loading={cancelState.fetching}>
              {t('reg.cancel')}
            </Button>
          </Popconfirm>
        </Section>
      </Col>
      <Col xs={24} xl={13}>
        <Section title={t('reg.confirmPhone')} testId="otp-section">
          <ErrorAlert error={sendState.error} />
          <Flex wrap gap={12} align="center" style={{ marginBottom: 12 }}>
            <Button
              type={!sent || smsFailed(latest) ? 'primary' : 'default'}
              icon={<SendOutlined />}
              onClick={onSend}
              loading={sendState.fetching}
              disabled={wait > 0}
              data-testid="send-otp"
            >
              {sent ? (wait > 0 ? t('reg.resendIn', { time: formatCountdown(wait) }) : t('reg.resendOtp')) : t('reg.sendOtp')}
            </Button>
            {otps.length > 1 ? <Typography.Text type="secondary">{t('reg.olderCodes', { n: otps.length - 1 })}</Typography.Text> : null}
          </Flex>
          {latest ? (
            <SmsTimeline sms={latest} purpose="otp" seenAt={seen[latest.id]} testId="otp-sms" />
          ) : (
            <Typography.Paragraph type="secondary">{t('reg.otpExplain')}</Typography.Paragraph>
          )}
          <div style={{ borderTop: '1px solid #f0f0f0', marginTop: 12, paddingTop: 12 }}>
            <Typography.Title level={3} style={{ fontSize: 16, marginTop: 0 }}>
              {t('wizard.step3')}
            </Typography.Title>
            {!sent ? (
              <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
                {t('reg.sendFirst')}
              </Typography.Paragraph>
            ) : (
              // A new code starts a fresh entry: no error of the old code stays beside the empty field.
              <CodeEntry key={latest?.id ?? 'none'} reg={reg} latest={latest} wait={wait} now={now} onCreated={onChange} />
            )}
          </div>
        </Section>
      </Col>
    </Row>
  );
}

interface CodeEntryProps {
  reg: RegistrationFieldsFragment;
  latest: SmsFieldsFragment | undefined;
  wait: number;
  now: number;
  onCreated: (r: RegistrationFieldsFragment) => void;
}

/** Step 3: the latest code from the citizen's phone, its time and tries left, and "create account". */
function CodeEntry({ reg, latest, wait, now, onCreated }: CodeEntryProps) {
  const t = useT();
  const [state, complete] = useMutation(CompleteRegistrationMutation);
  const [form] = Form.useForm<{ code: string }>();
  const errs = appErrors(state.error, t);
  // A wrong code's refusal counts the try the registration shown may not have seen yet.
  const triesFromError = errs.map((e) => e.extensions.attemptsLeft).find((n): n is number => typeof n === 'number');
  const triesLeft = Math.min(reg.otpAttemptsLeft ?? Infinity, triesFromError ?? Infinity);
  const expiresIn = secondsLeft(reg.otpExpiresAt, now);
  const expired = !!reg.otpExpiresAt && expiresIn === 0;
  const needNewCode = expired || hasCode(state.error, 'OTP_EXPIRED', 'OTP_TOO_MANY_ATTEMPTS') || triesLeft === 0;
  const superseded = hasCode(state.error, 'OTP_SUPERSEDED');

  const hint = expired
    ? t('reg.otpExpired')
    : reg.otpExpiresAt && Number.isFinite(triesLeft)
      ? t('reg.otpExpiresIn', { time: formatCountdown(expiresIn), n: triesLeft })
      : undefined;

  return (
    <Form
      form={form}
      layout="vertical"
      requiredMark={false}
      onFinish={async (f) => {
        const r = await complete({ registrationID: reg.id, code: f.code.trim() });
        if (r.data) {
          onCreated(r.data.completeRegistration);
          return;
        }
        // Refusals about the code go beside the code field.
        const onCode = appErrors(r.error, t).filter((e) => e.field === 'code');
        if (onCode.length > 0) form.setFields([{ name: 'code', errors: onCode.map((e) => e.message) }]);
      }}
    >
      <Form.Item
        label={t('reg.otpLabel')}
        name="code"
        rules={[{ required: true, pattern: /^\s*\d{6}\s*$/, message: t('validate.otp') }]}
        extra={<span data-testid="otp-hint">{hint}</span>}
        style={{ marginBottom: 12 }}
      >
        <Input
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={6}
          size="large"
          style={{ letterSpacing: 8, maxWidth: 220, fontFamily: 'monospace' }}
          data-testid="otp-input"
        />
      </Form.Item>
      <ErrorAlert error={errs.some((e) => e.field !== 'code') ? state.error : null} />
      {superseded && latest ? (
        <Alert type="info" showIcon style={{ marginBottom: 12 }} data-testid="otp-advice" title={t('reg.useLatestCode', { time: formatClock(latest.createdAt) })} />
      ) : needNewCode ? (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          data-testid="otp-advice"
          title={wait > 0 ? t('reg.newCodeIn', { time: formatCountdown(wait) }) : t('reg.needNewCode')}
        />
      ) : null}
      <Button type="primary" htmlType="submit" icon={<UserAddOutlined />} size="large" loading={state.fetching} data-testid="create-account">
        {t('reg.create')}
      </Button>
    </Form>
  );
}

interface CreatedProps {
  reg: RegistrationFieldsFragment;
  seen: SeenTimes;
  onResent: (m: SmsFieldsFragment) => void;
}

/** After step 3: the account exists; watch the password SMS and resend it if it failed. */
function Created({ reg, seen, onResent }: CreatedProps) {
  const t = useT();
  const navigate = useNavigate();
  const [resendState, resend] = useMutation(ResendInitialPasswordMutation);
  const [resent, setResent] = useState(false);
  const passwords = messagesOfKind(reg.sms, 'INITIAL_PASSWORD');
  const latest = passwords[0];
  return (
    <>
      <Result
        status="success"
        title={<span data-testid="created-title">{t('reg.created', { name: reg.fullName })}</span>}
        subTitle={t('reg.createdSub', { phone: reg.phoneMasked })}
        style={{ padding: '8px 0' }}
      />
      <Row justify="center">
        <Col xs={24} lg={20} xl={16}>
          <Section title={t('reg.passwordCard')}>
            {latest ? (
              <>
                <SmsTimeline sms={latest} purpose="password" seenAt={seen[latest.id]} testId="password-sms" />
                {passwords.length > 1 ? <Typography.Text type="secondary">{t('reg.olderPasswords', { n: passwords.length - 1 })}</Typography.Text> : null}
              </>
            ) : (
              <Typography.Text type="secondary">{t('reg.passwordPending')}</Typography.Text>
            )}
            <ErrorAlert error={resendState.error} style={{ marginTop: 16 }} />
            {resent ? <Alert type="success" showIcon role="status" style={{ marginTop: 12 }} title={t('reg.passwordResent')} /> : null}
            {reg.account && (smsFailed(latest) || !latest) ? (
              <Button
                type="primary"
                icon={<SendOutlined />}
                style={{ marginTop: 16 }}
                loading={resendState.fetching}
                data-testid="resend-password"
                onClick={async () => {
                  const r = await resend({ accountID: reg.account!.id });
                  if (r.data) {
                    onResent(r.data.resendInitialPassword);
                    setResent(true);
                  }
                }}
              >
                {t('reg.resendPassword')}
              </Button>
            ) : null}
          </Section>
        </Col>
      </Row>
      <Flex wrap gap={8} justify="center" style={{ marginTop: 16 }}>
        <Button type="primary" onClick={() => navigate('/officer/registrations/new')}>
          {t('reg.another')}
        </Button>
        <Button onClick={() => navigate('/officer/accounts')}>{t('wizard.backToList')}</Button>
      </Flex>
    </>
  );
}
