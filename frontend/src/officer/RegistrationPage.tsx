import { useEffect, useMemo, useState } from 'react';
import {
  Alert, App, Button, Card, Col, Descriptions, Divider, Form, Input, Popconfirm, Result, Row, Skeleton, Space, Typography,
} from 'antd';
import { DownloadOutlined, PrinterOutlined, SendOutlined, UserAddOutlined } from '@ant-design/icons';
import { Link, useNavigate, useParams } from 'react-router';
import { useMutation, useQuery, useSubscription } from 'urql';
import {
  CancelRegistrationMutation, CompleteRegistrationMutation, RegistrationEventsSubscription, RegistrationQuery,
  ResendInitialPasswordMutation, SendRegistrationOTPMutation,
} from '../graphql/operations';
import type { RegistrationEventsSubscription as EventData, RegistrationFieldsFragment, SmsFieldsFragment } from '../gql/graphql';
import { useT } from '../i18n';
import { formatCountdown, secondsUntil } from '../lib/countdown';
import { hasCode } from '../lib/errors';
import { formatDate } from '../lib/format';
import { useNow } from '../lib/useNow';
import { ErrorAlert } from '../components/ErrorAlert';
import { RegistrationStateTag } from '../components/Tags';
import { SmsTimeline, smsFailed } from '../components/SmsTimeline';
import { WizardSteps } from './WizardSteps';
import { messagesOfKind, noteSeen, stepOf, type SeenTimes } from './registrationView';

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
  const [reg, setReg] = useState<RegistrationFieldsFragment | null>(null);
  const [seen, setSeen] = useState<SeenTimes>({});
  const [extraSms, setExtraSms] = useState<SmsFieldsFragment[]>([]);

  const fromQuery = data?.node?.__typename === 'Registration' ? data.node : null;
  useEffect(() => {
    if (fromQuery) setReg(fromQuery);
  }, [fromQuery]);

  useEffect(() => {
    if (!events.data || events.data.length === 0) return;
    setReg(events.data[events.data.length - 1].registration);
    setSeen((s) => {
      let out = s;
      for (const ev of events.data ?? []) {
        for (const m of ev.registration.sms) out = noteSeen(out, m, m.updatedAt);
        if (ev.sms) out = noteSeen(out, ev.sms, ev.at);
      }
      return out;
    });
  }, [events.data]);

  const sms = useMemo(() => {
    const all = [...(reg?.sms ?? [])];
    for (const m of extraSms) if (!all.some((x) => x.id === m.id)) all.push(m);
    return all;
  }, [reg, extraSms]);

  if (fetching && !reg) return <Card><Skeleton active /></Card>;
  if (!reg) {
    if (error) return <ErrorAlert error={error} />;
    return <Result status="404" title={t('reg.notFound')} extra={<Link to="/officer/accounts">{t('wizard.backToList')}</Link>} />;
  }

  const live = !events.error;
  return (
    <Card
      title={
        <Space>
          {t('wizard.title')} <RegistrationStateTag state={reg.state} />
        </Space>
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
        <Created reg={reg} sms={sms} seen={seen} onResent={(m) => setExtraSms((x) => [...x, m])} />
      ) : (
        <Confirm reg={reg} sms={sms} seen={seen} onChange={setReg} />
      )}
    </Card>
  );
}

function Summary({ reg }: { reg: RegistrationFieldsFragment }) {
  const t = useT();
  return (
    <Descriptions column={1} size="small" bordered style={{ marginBottom: 16 }}>
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
  sms: SmsFieldsFragment[];
  seen: SeenTimes;
  onChange: (r: RegistrationFieldsFragment) => void;
}

/** Step 2 (request form, OTP, its delivery) beside step 3 (enter the latest code, create). */
function Confirm({ reg, sms, seen, onChange }: ConfirmProps) {
  const t = useT();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const now = useNow(1000);
  const [sendState, send] = useMutation(SendRegistrationOTPMutation);
  const [completeState, complete] = useMutation(CompleteRegistrationMutation);
  const [cancelState, cancel] = useMutation(CancelRegistrationMutation);
  const [form] = Form.useForm<{ code: string }>();

  const otps = messagesOfKind(sms, 'REGISTRATION_OTP');
  const latest = otps[0];
  const wait = secondsUntil(reg.resendAvailableAt, now);
  const expiresIn = secondsUntil(reg.otpExpiresAt, now);
  const sent = reg.state === 'OTP_SENT';
  const expired = sent && !!reg.otpExpiresAt && expiresIn === 0;
  const needNewCode = expired || hasCode(completeState.error, 'OTP_EXPIRED', 'OTP_TOO_MANY_ATTEMPTS', 'OTP_SUPERSEDED');

  const onSend = async () => {
    const r = await send({ registrationID: reg.id });
    if (r.data) {
      onChange(r.data.sendRegistrationOTP);
      form.resetFields();
      message.success(t('reg.otpQueued'));
    }
  };

  const printForm = () => {
    const w = window.open(reg.requestFormURL, '_blank');
    w?.addEventListener('load', () => w.print());
  };

  return (
    <>
      <Row gutter={[24, 24]}>
        <Col xs={24} xl={13}>
          <Card type="inner" title={t('wizard.step2')}>
            <Summary reg={reg} />
            <Space wrap style={{ marginBottom: 8 }}>
              <Button icon={<DownloadOutlined />} href={reg.requestFormURL} download data-testid="download-form">
                {t('reg.downloadForm')}
              </Button>
              <Button icon={<PrinterOutlined />} onClick={printForm}>
                {t('reg.printForm')}
              </Button>
            </Space>
            <Typography.Paragraph type="secondary">{t('reg.formHint')}</Typography.Paragraph>
            <Divider titlePlacement="start" plain>
              {t('reg.confirmPhone')}
            </Divider>
            <ErrorAlert error={sendState.error} />
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
            {latest ? (
              <div style={{ marginTop: 16 }}>
                <SmsTimeline sms={latest} purpose="otp" seenAt={seen[latest.id]} testId="otp-sms" />
                {otps.length > 1 ? (
                  <Typography.Text type="secondary">{t('reg.olderCodes', { n: otps.length - 1 })}</Typography.Text>
                ) : null}
              </div>
            ) : (
              <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
                {t('reg.otpExplain')}
              </Typography.Paragraph>
            )}
          </Card>
        </Col>
        <Col xs={24} xl={11}>
          <Card type="inner" title={t('wizard.step3')}>
            {!sent ? (
              <Typography.Paragraph type="secondary">{t('reg.sendFirst')}</Typography.Paragraph>
            ) : (
              <Form
                form={form}
                layout="vertical"
                requiredMark={false}
                onFinish={async (f) => {
                  const r = await complete({ registrationID: reg.id, code: f.code.trim() });
                  if (r.data) onChange(r.data.completeRegistration);
                }}
              >
                <Form.Item
                  label={t('reg.otpLabel')}
                  name="code"
                  rules={[{ required: true, pattern: /^\s*\d{6}\s*$/, message: t('validate.otp') }]}
                  extra={
                    expired
                      ? t('reg.otpExpired')
                      : reg.otpExpiresAt
                        ? t('reg.otpExpiresIn', { time: formatCountdown(expiresIn), n: reg.otpAttemptsLeft ?? 0 })
                        : undefined
                  }
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
                <ErrorAlert error={completeState.error} />
                {needNewCode ? <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('reg.needNewCode')} /> : null}
                <Button type="primary" htmlType="submit" icon={<UserAddOutlined />} size="large" loading={completeState.fetching} data-testid="create-account">
                  {t('reg.create')}
                </Button>
              </Form>
            )}
          </Card>
        </Col>
      </Row>
      <Divider />
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
    </>
  );
}

interface CreatedProps {
  reg: RegistrationFieldsFragment;
  sms: SmsFieldsFragment[];
  seen: SeenTimes;
  onResent: (m: SmsFieldsFragment) => void;
}

/** After step 3: the account exists; watch the password SMS and resend it if it failed. */
function Created({ reg, sms, seen, onResent }: CreatedProps) {
  const t = useT();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [resendState, resend] = useMutation(ResendInitialPasswordMutation);
  const passwords = messagesOfKind(sms, 'INITIAL_PASSWORD');
  const latest = passwords[0];
  return (
    <>
      <Result
        status="success"
        title={<span data-testid="created-title">{t('reg.created', { name: reg.fullName })}</span>}
        subTitle={t('reg.createdSub', { phone: reg.phoneMasked })}
        style={{ paddingBottom: 8 }}
      />
      <Row justify="center">
        <Col xs={24} lg={16} xl={12}>
          <Card type="inner" title={t('reg.passwordCard')}>
            {latest ? (
              <>
                <SmsTimeline sms={latest} purpose="password" seenAt={seen[latest.id]} testId="password-sms" />
                {passwords.length > 1 ? (
                  <Typography.Text type="secondary">{t('reg.olderPasswords', { n: passwords.length - 1 })}</Typography.Text>
                ) : null}
              </>
            ) : (
              <Typography.Text type="secondary">{t('reg.passwordPending')}</Typography.Text>
            )}
            <ErrorAlert error={resendState.error} style={{ marginTop: 16 }} />
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
                    message.success(t('reg.passwordResent'));
                  }
                }}
              >
                {t('reg.resendPassword')}
              </Button>
            ) : null}
          </Card>
        </Col>
      </Row>
      <Space style={{ marginTop: 24, width: '100%', justifyContent: 'center' }}>
        <Button type="primary" onClick={() => navigate('/officer/registrations/new')}>
          {t('reg.another')}
        </Button>
        <Button onClick={() => navigate('/officer/accounts')}>{t('wizard.backToList')}</Button>
      </Space>
    </>
  );
}
