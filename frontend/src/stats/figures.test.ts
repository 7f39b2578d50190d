import { describe, expect, it } from 'vitest';
import { backTo, drillInto, dropOff, filterOf, funnelSteps, groupByOf, smsRows, type SmsRow, type Trail } from './figures';

const province = { id: 'U1', name: 'Tỉnh Lạng Sơn', isServiceDesk: false };
const desk = { id: 'U2', name: 'Trung tâm Phục vụ hành chính công tỉnh Lạng Sơn', isServiceDesk: true };

describe('the drill-down trail', () => {
  it('goes from the scope to a province to a desk, then groups by officer', () => {
    let trail: Trail = [];
    expect(groupByOf(trail)).toBe('UNIT');
    trail = drillInto(trail, { drillable: true, unit: province });
    expect(groupByOf(trail)).toBe('UNIT');
    trail = drillInto(trail, { drillable: true, unit: desk });
    expect(trail.map((l) => l.id)).toEqual(['U1', 'U2']);
    expect(groupByOf(trail)).toBe('OFFICER');
  });

  it('does not drill into an officer, a unit without children, or a unit already on the trail', () => {
    const trail: Trail = [province];
    expect(drillInto(trail, { drillable: false, unit: desk })).toBe(trail);
    expect(drillInto(trail, { drillable: true, unit: null })).toBe(trail);
    expect(drillInto(trail, { drillable: true, unit: province })).toBe(trail);
  });

  it('goes back to a crumb', () => {
    expect(backTo([province, desk], 1)).toEqual([province]);
    expect(backTo([province, desk], 0)).toEqual([]);
    expect(backTo([province, desk], -3)).toEqual([]);
  });
});

describe('filterOf', () => {
  it('sends the fixed periods with the unit shown', () => {
    expect(filterOf({ period: 'LAST_7_DAYS' }, [])).toEqual({ unitID: null, period: 'LAST_7_DAYS' });
    expect(filterOf({ period: 'LAST_90_DAYS' }, [province, desk])).toEqual({ unitID: 'U2', period: 'LAST_90_DAYS' });
  });

  it('asks nothing until a custom period has both days', () => {
    expect(filterOf({ period: 'CUSTOM', from: '2026-01-01' }, [])).toBeNull();
    expect(filterOf({ period: 'CUSTOM', from: '2026-01-01', to: '2026-01-31' }, [province])).toEqual({
      unitID: 'U1',
      period: 'CUSTOM',
      from: '2026-01-01',
      to: '2026-01-31',
    });
  });
});

describe('funnelSteps', () => {
  it('computes the drop-off of each main step and the shares of the started cases', () => {
    const steps = funnelSteps({ started: 200, otpSent: 150, created: 120, cancelled: 30, expired: 50 });
    expect(steps.map((s) => s.key)).toEqual(['started', 'otpSent', 'created', 'cancelled', 'expired']);
    expect(steps[0].dropOff).toBeNull();
    expect(steps[1].dropOff).toBeCloseTo(0.25);
    expect(steps[2].dropOff).toBeCloseTo(0.2);
    expect(steps[3].dropOff).toBeNull();
    expect(steps[4].ofStarted).toBeCloseTo(0.25);
  });

  it('has no ratio when nothing started', () => {
    const steps = funnelSteps({ started: 0, otpSent: 0, created: 0, cancelled: 0, expired: 0 });
    expect(steps.every((s) => s.dropOff === null && s.ofStarted === null)).toBe(true);
    expect(dropOff(0, 0)).toBeNull();
  });
});

describe('smsRows', () => {
  const row = (kind: SmsRow['kind'], carrier: SmsRow['carrier'], sent: number): SmsRow => ({ kind, carrier, sent, delivered: sent, undelivered: 0, failed: 0, noReport: 0 });
  it('drops empty rows and orders by kind, then by messages sent', () => {
    const rows = smsRows([row('RESET_OTP', 'VIETTEL', 5), row('INITIAL_PASSWORD', 'MOBIFONE', 9), row('REGISTRATION_OTP', 'VINAPHONE', 3), row('REGISTRATION_OTP', 'VIETTEL', 7), row('REGISTRATION_OTP', 'GMOBILE', 0)]);
    expect(rows.map((r) => `${r.kind}/${r.carrier}`)).toEqual(['REGISTRATION_OTP/VIETTEL', 'REGISTRATION_OTP/VINAPHONE', 'INITIAL_PASSWORD/MOBIFONE', 'RESET_OTP/VIETTEL']);
  });
});

describe('signals', () => {
  it('links to the audit trail by ids only', async () => {
    const { auditHref, isShareSignal } = await import('./figures');
    expect(auditHref(['A1', 'R 2'])).toBe('/admin/audit?target=A1&target=R+2');
    expect(new URLSearchParams(auditHref(['A1', 'B2']).split('?')[1]).getAll('target')).toEqual(['A1', 'B2']);
    expect(isShareSignal('LOOKUP_BUDGET')).toBe(true);
    expect(isShareSignal('SHARED_PHONE')).toBe(false);
  });
});
