// Folding the live smsActivity stream into what the monitor shows.
import type { SmsFieldsFragment, SmsStatus } from '../gql/graphql';

/** The messages seen so far, newest change first, at most `limit` kept. */
export interface Activity {
  messages: SmsFieldsFragment[];
}

/** Adds or updates one message; the newest change goes on top. */
export function foldActivity(prev: Activity | undefined, m: SmsFieldsFragment, limit = 200): Activity {
  const rest = (prev?.messages ?? []).filter((x) => x.id !== m.id);
  return { messages: [m, ...rest].slice(0, limit) };
}

/** How many of the messages are in each status. */
export function countByStatus(messages: SmsFieldsFragment[]): Record<SmsStatus, number> {
  const counts: Record<SmsStatus, number> = {
    QUEUED: 0, SENDING: 0, SENT: 0, DELIVERED: 0, UNDELIVERED: 0, FAILED: 0, EXPIRED: 0, NO_REPORT: 0,
  };
  for (const m of messages) counts[m.status]++;
  return counts;
}

/** Live messages first, then the history messages not seen live. */
export function mergeHistory(live: SmsFieldsFragment[], history: SmsFieldsFragment[]): SmsFieldsFragment[] {
  const seen = new Set(live.map((m) => m.id));
  return [...live, ...history.filter((m) => !seen.has(m.id))];
}
