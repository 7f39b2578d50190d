import { Alert, Timeline, Typography } from 'antd';
import { CheckCircleOutlined, CloseCircleOutlined, LoadingOutlined, ClockCircleOutlined } from '@ant-design/icons';
import type { SmsFieldsFragment, SmsStatus } from '../gql/graphql';
import { useT } from '../i18n';
import { formatClock } from '../lib/format';
import type { MessageKey } from '../i18n/messages';

const path: SmsStatus[] = ['QUEUED', 'SENDING', 'SENT', 'DELIVERED'];
const failures: SmsStatus[] = ['UNDELIVERED', 'FAILED', 'EXPIRED'];

/** Whether an SMS has reached a final failure status. */
export function smsFailed(s: { status: SmsStatus } | null | undefined): boolean {
  return !!s && failures.includes(s.status);
}

/** Whether an SMS is final (delivered or failed): nothing will change any more. */
export function smsFinal(s: { status: SmsStatus } | null | undefined): boolean {
  return !!s && (s.status === 'DELIVERED' || failures.includes(s.status));
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
  const failed = failures.includes(sms.status);
  // How far along the normal path the message got. A failure after SENT keeps SENT done.
  const reached = failed
    ? Math.max(0, ...Object.keys(seenAt ?? {}).map((s) => path.indexOf(s as SmsStatus)), sms.status === 'UNDELIVERED' ? 2 : 0)
    : path.indexOf(sms.status);
  const items = path.slice(0, failed ? reached + 1 : path.length).map((st, i) => {
    // On failure every step up to where it stopped was passed; otherwise the current one is in progress.
    const done = failed ? i <= reached : i < reached || (i === reached && st === 'DELIVERED');
    const current = !failed && i === reached && st !== 'DELIVERED';
    const at = seenAt?.[st] ?? (st === 'QUEUED' ? sms.createdAt : i === reached ? sms.updatedAt : undefined);
    return {
      key: st,
      color: done ? 'green' : current ? 'blue' : 'gray',
      icon: done ? <CheckCircleOutlined /> : current ? <LoadingOutlined /> : <ClockCircleOutlined />,
      content: (
        <span>
          <Typography.Text strong={current || (done && st === 'DELIVERED')} type={!done && !current ? 'secondary' : undefined}>
            {t(`smsStep.${st}` as MessageKey)}
          </Typography.Text>
          {(done || current) && at ? <Typography.Text type="secondary"> · {formatClock(at)}</Typography.Text> : null}
        </span>
      ),
    };
  });
  if (failed) {
    items.push({
      key: sms.status,
      color: 'red',
      icon: <CloseCircleOutlined />,
      content: (
        <span>
          <Typography.Text strong type="danger">
            {t(`smsStep.${sms.status}` as MessageKey)}
          </Typography.Text>
          <Typography.Text type="secondary"> · {formatClock(seenAt?.[sms.status] ?? sms.updatedAt)}</Typography.Text>
        </span>
      ),
    });
  }
  return (
    <div data-testid={testId} data-status={sms.status} aria-live="polite">
      <Typography.Text type="secondary" style={{ display: 'block', marginBottom: 8 }}>
        {t('sms.to', { phone: sms.phoneMasked })}
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
