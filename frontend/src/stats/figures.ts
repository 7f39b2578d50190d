// What the statistics page derives from a Statistics answer: the filter sent, the
// drill-down trail, the funnel's drop-offs and the rows of each chart's table. Pure
// functions, so the page computes them on every render and tests can check them.
import type { SmsKind, StatisticsQuery, StatsFilter, StatsGroupBy, StatsPeriod } from '../gql/graphql';

export type Stats = StatisticsQuery['statistics'];
export type Funnel = Stats['funnel'];
export type GroupRow = Stats['accountsBy'][number];
export type SmsRow = Stats['sms'][number];

/** A unit the page is narrowed to: picked, or reached by clicking a bar. */
export interface Level {
  id: string;
  name: string;
  isServiceDesk: boolean;
}

/** From the viewer's whole scope (empty) down to the unit shown (last). */
export type Trail = Level[];

/** A desk's bars are its officers; any other unit's are its child units. */
export function groupByOf(trail: Trail): StatsGroupBy {
  return trail.at(-1)?.isServiceDesk ? 'OFFICER' : 'UNIT';
}

/** The trail after clicking the bar of row; unchanged when the row cannot be drilled into. */
export function drillInto(trail: Trail, row: Pick<GroupRow, 'unit' | 'drillable'>): Trail {
  if (!row.drillable || !row.unit) return trail;
  if (trail.some((l) => l.id === row.unit?.id)) return trail;
  return [...trail, { id: row.unit.id, name: row.unit.name, isServiceDesk: row.unit.isServiceDesk }];
}

/** The trail after clicking its n-th crumb (0: the whole scope). */
export function backTo(trail: Trail, n: number): Trail {
  return trail.slice(0, Math.max(0, n));
}

/** The period chosen: one of the fixed ones, or CUSTOM with both days (YYYY-MM-DD). */
export interface PeriodChoice {
  period: StatsPeriod;
  from?: string | null;
  to?: string | null;
}

/** The filter to send, or null while a custom period has no days yet (nothing to ask). */
export function filterOf(choice: PeriodChoice, trail: Trail): StatsFilter | null {
  const unitID = trail.at(-1)?.id ?? null;
  if (choice.period !== 'CUSTOM') return { unitID, period: choice.period };
  if (!choice.from || !choice.to) return null;
  return { unitID, period: 'CUSTOM', from: choice.from, to: choice.to };
}

/** 1 - part/whole: the share lost between two steps; null when the first step is 0. */
export function dropOff(whole: number, part: number): number | null {
  if (whole <= 0) return null;
  return Math.max(0, 1 - part / whole);
}

/** part/whole, or null when whole is 0. */
export function share(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

export type FunnelStepKey = 'started' | 'otpSent' | 'created' | 'cancelled' | 'expired';

export interface FunnelStep {
  key: FunnelStepKey;
  count: number;
  /** Of the cases that reached the step before, the share that did not reach this one (main steps only). */
  dropOff: number | null;
  /** This step's cases as a share of the started ones. */
  ofStarted: number | null;
}

/** The funnel's steps in order: started → OTP sent → created, then the two ways out. */
export function funnelSteps(f: Funnel): FunnelStep[] {
  return [
    { key: 'started', count: f.started, dropOff: null, ofStarted: share(f.started, f.started) },
    { key: 'otpSent', count: f.otpSent, dropOff: dropOff(f.started, f.otpSent), ofStarted: share(f.otpSent, f.started) },
    { key: 'created', count: f.created, dropOff: dropOff(f.otpSent, f.created), ofStarted: share(f.created, f.started) },
    { key: 'cancelled', count: f.cancelled, dropOff: null, ofStarted: share(f.cancelled, f.started) },
    { key: 'expired', count: f.expired, dropOff: null, ofStarted: share(f.expired, f.started) },
  ];
}

const kindOrder: SmsKind[] = ['REGISTRATION_OTP', 'INITIAL_PASSWORD', 'RESET_OTP', 'PASSWORD_CHANGED'];

/** The SMS rows that carry any message, by kind (OTP first), then most sent first. */
export function smsRows(rows: readonly SmsRow[]): SmsRow[] {
  const any = (r: SmsRow) => r.sent + r.delivered + r.undelivered + r.failed + r.noReport > 0;
  const rank = (k: SmsKind) => (kindOrder.indexOf(k) + kindOrder.length + 1) % (kindOrder.length + 1);
  return rows.filter(any).sort((a, b) => rank(a.kind) - rank(b.kind) || b.sent - a.sent || a.carrier.localeCompare(b.carrier));
}

/** Whether an answer has nothing to draw (every count 0). */
export function isEmptyStats(s: Stats): boolean {
  return (
    s.accountsPerDay.every((d) => d.count === 0) &&
    s.accountsBy.length === 0 &&
    s.funnel.started === 0 &&
    smsRows(s.sms).length === 0 &&
    s.smsDelivery.every((d) => d.delivered === 0)
  );
}

/** Kinds whose value and threshold are shares (0..1) of something, shown as percentages. */
export function isShareSignal(kind: string): boolean {
  return kind === 'LOOKUP_BUDGET' || kind === 'UNUSED_PASSWORDS';
}

/** The audit trail's address filtered on the records behind a signal (ids only, as every route). */
export function auditHref(subjectIDs: readonly string[]): string {
  const q = new URLSearchParams();
  for (const id of subjectIDs) q.append('target', id);
  return `/admin/audit?${q.toString()}`;
}
