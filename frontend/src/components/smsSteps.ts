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
