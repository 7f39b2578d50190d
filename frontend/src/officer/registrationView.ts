// Pure helpers for the registration screen: which registration and SMS to show,
// derived from the query, the live events and the mutations' answers, and when
// each status was seen.
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

/** What a registration event brings: the registration, and the SMS whose change it reports. */
export interface LiveEvent<R> {
  registration: R;
  sms?: SmsFieldsFragment | null;
  at: string;
}

/** When each status was seen in the live events, oldest event first. */
export function seenInEvents<R extends { sms: readonly SmsFieldsFragment[] }>(events: readonly LiveEvent<R>[]): SeenTimes {
  let out: SeenTimes = {};
  for (const ev of events) {
    for (const m of ev.registration.sms) out = noteSeen(out, m, m.updatedAt);
    if (ev.sms) out = noteSeen(out, ev.sms, ev.at);
  }
  return out;
}

// The later of two versions of one record by updatedAt; on a tie the second,
// which callers pass as the one that arrived later.
function later<T extends { updatedAt: string }>(a: T | undefined, b: T): T {
  if (!a) return b;
  return Date.parse(b.updatedAt) >= Date.parse(a.updatedAt) ? b : a;
}

/**
 * The registration to show, from every version the screen has received (the
 * query's, the mutations', the live events'), oldest source first: its fields
 * from the newest version, and each of its SMS at its newest status wherever
 * that was seen (an SMS event changes an SMS, not the registration's updatedAt).
 * Nothing is copied into state: the screen derives this on every render.
 */
export function currentRegistration<R extends { updatedAt: string; sms: readonly SmsFieldsFragment[] }>(
  versions: readonly (R | null | undefined)[],
  moreSms: readonly (SmsFieldsFragment | null | undefined)[] = [],
): R | null {
  let reg: R | undefined;
  const sms = new Map<string, SmsFieldsFragment>();
  for (const v of versions) {
    if (!v) continue;
    reg = later(reg, v);
    for (const m of v.sms) sms.set(m.id, later(sms.get(m.id), m));
  }
  for (const m of moreSms) if (m) sms.set(m.id, later(sms.get(m.id), m));
  return reg ? { ...reg, sms: [...sms.values()] } : null;
}

/** The wizard step (0-based) a registration state belongs to. */
export function stepOf(state: string): 0 | 1 | 2 {
  if (state === 'DRAFT') return 1;
  return 2;
}
