import { Alert, Steps, Typography } from 'antd';
import { CheckCircleOutlined, CloseCircleOutlined, LoadingOutlined, ClockCircleOutlined } from '@ant-design/icons';
import type { SmsFieldsFragment, SmsStatus } from '../gql/graphql';
import { isFailure, smsSteps, stepTime } from './smsSteps';
import { useT } from '../i18n';
import { formatClock } from '../lib/format';
import { useIsPhone } from '../lib/useScreen';
import type { MessageKey } from '../i18n/messages';

/** Whether an SMS has reached a final failure status. */
export function smsFailed(s: { status: SmsStatus } | null | undefined): boolean {
  return !!s && isFailure(s.status);
}

interface Props {
  sms: SmsFieldsFragment;
  /** What the message carries: decides the advice shown on failure (source §4.2 / §4.3). */
  purpose: 'otp' | 'password';
  /** When each status was seen live (from subscription events), by status. */
  seenAt?: Partial<Record<SmsStatus, string>>;
  testId: string;
}

const stepStatus = { done: 'finish', current: 'process', pending: 'wait', failed: 'error' } as const;
const stepIcon = {
  done: <CheckCircleOutlined />,
  current: <LoadingOutlined />,
  pending: <ClockCircleOutlined />,
  failed: <CloseCircleOutlined />,
};

/**
 * The delivery of one SMS: queued → sent to the network → accepted → delivered,
 * or the failure where it stopped, each passed step with its time, and the
 * source document's advice on failure. A row on a wide screen (it stays in
 * sight beside the code entry), a column on a phone.
 */
export function SmsTimeline({ sms, purpose, seenAt, testId }: Props) {
  const t = useT();
  const phone = useIsPhone();
  const failed = isFailure(sms.status);
  const steps = smsSteps(sms.status, Object.keys(seenAt ?? {}) as SmsStatus[]);
  const items = steps.map(({ status: st, state }) => {
    const at = state === 'pending' ? undefined : stepTime(st, sms, seenAt);
    // A passed step reads in the past tense ("sent to the network"), the current one in the present.
    const label = state === 'done' && st === 'SENDING' ? 'smsStep.SENDING.done' : `smsStep.${st}`;
    return {
      key: st,
      status: stepStatus[state],
      icon: stepIcon[state],
      title: <span style={{ fontSize: 13 }}>{t(label as MessageKey)}</span>,
      content: at ? <Typography.Text type="secondary">{formatClock(at)}</Typography.Text> : null,
    };
  });
  const current = steps.findIndex((s) => s.state === 'current' || s.state === 'failed');
  return (
    <div data-testid={testId} data-status={sms.status} data-sms-id={sms.id}>
      <Typography.Text type="secondary" style={{ display: 'block', marginBottom: 8 }}>
        <Typography.Text strong>{t(purpose === 'otp' ? 'reg.otpSms' : 'reg.passwordSms')}</Typography.Text> · {t('sms.to', { phone: sms.phoneMasked })}
        {sms.attempts > 1 ? ` · ${t('sms.attempts', { n: sms.attempts })}` : ''}
      </Typography.Text>
      <Steps
        size="small"
        orientation={phone ? 'vertical' : 'horizontal'}
        titlePlacement={phone ? 'horizontal' : 'vertical'}
        responsive={false}
        current={current >= 0 ? current : steps.length - 1}
        items={items}
        style={{ marginBottom: failed ? 8 : 0 }}
      />
      {/* What a screen reader announces: the latest status only, once. */}
      <div aria-live="polite" className="sr-only">
        {t(`smsStep.${sms.status}` as MessageKey)}
      </div>
      {failed ? (
        <Alert
          type="warning"
          showIcon
          title={t(purpose === 'otp' ? 'sms.otpFailed.title' : 'sms.passwordFailed.title')}
          description={t(purpose === 'otp' ? 'sms.otpFailed.advice' : 'sms.passwordFailed.advice')}
        />
      ) : null}
    </div>
  );
}
