import { describe, expect, it } from 'vitest';
import { grantBlocked, type GrantTarget } from './grant';

const ok: GrantTarget = { blockers: ['PERMISSION_NOT_GRANTED'], manageable: true, unitName: 'Bộ phận một cửa xã A', isSelf: false };

describe('grantBlocked', () => {
  it.each<[string, Partial<GrantTarget>, string | null]>([
    ['grantable', {}, null],
    ['already granted', { blockers: [] }, null],
    ['VNPost account', { blockers: ['VNPOST_ACCOUNT', 'UNIT_NOT_SERVICE_DESK'] }, 'grant.blocked.vnpost'],
    ['no unit', { blockers: ['NO_UNIT'] }, 'grant.blocked.noUnit'],
    ['not a desk', { blockers: ['UNIT_NOT_SERVICE_DESK'] }, 'grant.blocked.notDesk'],
    ['oneself', { isSelf: true }, 'grant.blocked.self'],
    ['out of scope', { manageable: false }, 'grant.blocked.outOfScope'],
  ])('%s', (_, change, want) => {
    expect(grantBlocked({ ...ok, ...change })?.key ?? null).toBe(want);
  });

  it('names the unit that is not a desk', () => {
    expect(grantBlocked({ ...ok, blockers: ['UNIT_NOT_SERVICE_DESK'], unitName: 'Sở Tư pháp' })?.vars).toEqual({ name: 'Sở Tư pháp' });
  });
});
