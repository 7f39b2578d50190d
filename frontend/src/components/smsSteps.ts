// Where an SMS is on its way, as the steps a timeline shows.
import type { SmsStatus } from '../gql/graphql';

const path: SmsStatus[] = ['QUEUED', 'SENDING', 'SENT', 'DELIVERED'];
const failures: SmsStatus[] = ['UNDELIVERED', 'FAILED', 'EXPIRED', 'NO_REPORT'];

/** One step of the timeline. */
export interface SmsStep {
  status: SmsStatus;
  state: 'done' | 'current' | 'pending' | 'failed';
}

/** Whether status is a final failure. */
export function isFailure(status: SmsStatus): boolean {
  return failures.includes(status);
}

/**
 * The steps of an SMS in status, given the statuses it was seen in before. A
 * delivered message has every step done; one on its way has the current step in
 * progress and the rest pending; a failed one shows the steps it passed, then the
 * failure. A message that was not delivered, or whose receipt never came, had been
 * accepted by the network (SENT) even when that status was never seen live.
 */
export function smsSteps(status: SmsStatus, seen: readonly SmsStatus[] = []): SmsStep[] {
  if (!isFailure(status)) {
    const at = path.indexOf(status);
    return path.map((s, i) => ({
      status: s,
      state: i < at || (i === at && s === 'DELIVERED') ? 'done' : i === at ? 'current' : 'pending',
    }));
  }
  const implied = status === 'FAILED' ? 0 : path.indexOf('SENT');
  const reached = Math.max(implied, ...seen.map((s) => path.indexOf(s)).filter((i) => i >= 0 && i < 3));
  return [...path.slice(0, reached + 1).map((s) => ({ status: s, state: 'done' as const })), { status, state: 'failed' }];
}

/** The parts of an SMS that date its steps. */
export interface SmsTimes {
  status: SmsStatus;
  createdAt: string;
  updatedAt: string;
  sentAt?: string | null;
  finalAt?: string | null;
}

/**
 * When an SMS reached step: the time it was seen live if it was, else what the
 * server recorded. Queued is its creation; sent to the network (SENDING, once
 * passed) and accepted (SENT) are sentAt, when the gateway took it; a final
 * status is finalAt. A step passed too quickly to be seen still gets a time.
 */
export function stepTime(step: SmsStatus, sms: SmsTimes, seenAt?: Partial<Record<SmsStatus, string>>): string | undefined {
  const seen = seenAt?.[step];
  if (step === 'QUEUED') return seen ?? sms.createdAt;
  if (step === 'SENDING') return sms.status === 'SENDING' ? (seen ?? sms.updatedAt) : (sms.sentAt ?? seen ?? undefined);
  if (step === 'SENT') return sms.sentAt ?? seen ?? (sms.status === 'SENT' ? sms.updatedAt : undefined);
  if (step === sms.status) return sms.finalAt ?? seen ?? sms.updatedAt;
  return seen;
}
