import { Alert, Timeline, Typography } from 'antd';
import { CheckCircleOutlined, CloseCircleOutlined, LoadingOutlined, ClockCircleOutlined } from '@ant-design/icons';
import type { SmsFieldsFragment, SmsStatus } from '../gql/graphql';
import { isFailure, smsSteps } from './smsSteps';
import { useT } from '../i18n';
import { formatClock } from '../lib/format';
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

/**
 * The delivery of one SMS as a timeline: queued → sending → sent → delivered, or the
 * failure where it stopped, with the source document's advice for that problem.
 */
export function SmsTimeline({ sms, purpose, seenAt, testId }: Props) {
  const t = useT();
  const failed = isFailure(sms.status);
  const steps = smsSteps(sms.status, Object.keys(seenAt ?? {}) as SmsStatus[]);
  const items = steps.map(({ status: st, state }) => {
    const at = seenAt?.[st] ?? (st === 'QUEUED' ? sms.createdAt : st === sms.status ? sms.updatedAt : undefined);
    const color = { done: 'green', current: 'blue', pending: 'gray', failed: 'red' }[state];
    const icon = {
      done: <CheckCircleOutlined />,
      current: <LoadingOutlined />,
      pending: <ClockCircleOutlined />,
      failed: <CloseCircleOutlined />,
    }[state];
    const strong = state === 'current' || state === 'failed' || (state === 'done' && st === 'DELIVERED');
    return {
      key: st,
      color,
      icon,
      content: (
        <span>
          <Typography.Text strong={strong} type={state === 'pending' ? 'secondary' : state === 'failed' ? 'danger' : undefined}>
            {t(`smsStep.${st}` as MessageKey)}
          </Typography.Text>
          {state !== 'pending' && at ? <Typography.Text type="secondary"> · {formatClock(at)}</Typography.Text> : null}
        </span>
      ),
    };
  });
  return (
    <div data-testid={testId} data-status={sms.status} data-sms-id={sms.id} aria-live="polite">
      <Typography.Text type="secondary" style={{ display: 'block', marginBottom: 12 }}>
        <Typography.Text strong>{t(purpose === 'otp' ? 'reg.otpSms' : 'reg.passwordSms')}</Typography.Text> · {t('sms.to', { phone: sms.phoneMasked })}
        {sms.attempts > 1 ? ` · ${t('sms.attempts', { n: sms.attempts })}` : ''}
      </Typography.Text>
      <Timeline items={items} />
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
