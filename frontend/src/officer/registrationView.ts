// Pure helpers for the registration screen: which SMS to show and when each status was seen.
import type { SmsFieldsFragment, SmsKind, SmsStatus } from '../gql/graphql';

/** The messages of one kind, newest first. Only the newest OTP counts (docs/RULES.md). */
export function messagesOfKind(sms: readonly SmsFieldsFragment[], kind: SmsKind): SmsFieldsFragment[] {
  return sms.filter((m) => m.kind === kind).sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
}

/** When each SMS reached each status, by SMS id. */
export type SeenTimes = Record<string, Partial<Record<SmsStatus, string>>>;

/** Records that sms had status at time at, keeping the first time a status was seen. */
export function noteSeen(seen: SeenTimes, sms: { id: string; status: SmsStatus }, at: string): SeenTimes {
  const cur = seen[sms.id] ?? {};
  if (cur[sms.status]) return seen;
  return { ...seen, [sms.id]: { ...cur, [sms.status]: at } };
}

/** The wizard step (0-based) a registration state belongs to. */
export function stepOf(state: string): 0 | 1 | 2 {
  if (state === 'DRAFT') return 1;
  return 2;
}
