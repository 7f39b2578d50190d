import { describe, expect, it } from 'vitest';
import { countByStatus, foldActivity, mergeHistory } from './smsActivity';
import type { SmsFieldsFragment, SmsStatus } from '../gql/graphql';

function sms(id: string, status: SmsStatus): SmsFieldsFragment {
  return { id, status, kind: 'REGISTRATION_OTP', phoneMasked: '+84 91* *** 678', attempts: 1, lastError: null, sentAt: null, finalAt: null, createdAt: '', updatedAt: '' };
}

describe('foldActivity', () => {
  it('keeps one row per message, the newest change on top', () => {
    let a = foldActivity(undefined, sms('1', 'QUEUED'));
    a = foldActivity(a, sms('2', 'QUEUED'));
    a = foldActivity(a, sms('1', 'DELIVERED'));
    expect(a.messages.map((m) => `${m.id}:${m.status}`)).toEqual(['1:DELIVERED', '2:QUEUED']);
  });

  it('keeps at most limit messages', () => {
    let a = foldActivity(undefined, sms('1', 'SENT'), 2);
    a = foldActivity(a, sms('2', 'SENT'), 2);
    a = foldActivity(a, sms('3', 'SENT'), 2);
    expect(a.messages.map((m) => m.id)).toEqual(['3', '2']);
  });
});

describe('countByStatus and mergeHistory', () => {
  it('counts the merged list, live statuses winning', () => {
    const merged = mergeHistory([sms('1', 'DELIVERED')], [sms('1', 'SENT'), sms('2', 'UNDELIVERED')]);
    expect(merged.map((m) => m.status)).toEqual(['DELIVERED', 'UNDELIVERED']);
    const c = countByStatus(merged);
    expect(c.DELIVERED).toBe(1);
    expect(c.UNDELIVERED).toBe(1);
    expect(c.SENT).toBe(0);
  });
});
