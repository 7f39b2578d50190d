import { describe, expect, it } from 'vitest';
import { currentRegistration, messagesOfKind, noteSeen, seenInEvents, stepOf } from './registrationView';
import type { SmsFieldsFragment } from '../gql/graphql';

const m = (id: string, kind: SmsFieldsFragment['kind'], createdAt: string): SmsFieldsFragment => ({
  id, kind, createdAt, status: 'QUEUED', phoneMasked: '', attempts: 1, lastError: null, sentAt: null, finalAt: null, updatedAt: createdAt,
});

describe('registration view helpers', () => {
  it('lists messages of a kind newest first', () => {
    const list = [m('a', 'REGISTRATION_OTP', '2025-07-01T08:00:00Z'), m('b', 'INITIAL_PASSWORD', '2025-07-01T08:05:00Z'), m('c', 'REGISTRATION_OTP', '2025-07-01T08:02:00Z')];
    expect(messagesOfKind(list, 'REGISTRATION_OTP').map((x) => x.id)).toEqual(['c', 'a']);
  });

  it('keeps the first time each status was seen', () => {
    let s = noteSeen({}, { id: 'a', status: 'SENT' }, 't1');
    s = noteSeen(s, { id: 'a', status: 'SENT' }, 't2');
    s = noteSeen(s, { id: 'a', status: 'DELIVERED' }, 't3');
    expect(s).toEqual({ a: { SENT: 't1', DELIVERED: 't3' } });
  });

  it('maps states to wizard steps', () => {
    expect(stepOf('DRAFT')).toBe(1);
    expect(stepOf('OTP_SENT')).toBe(2);
    expect(stepOf('CREATED')).toBe(2);
  });

  const reg = (state: string, updatedAt: string, sms: SmsFieldsFragment[] = []) => ({ id: 'r', state, updatedAt, sms });
  const at = (x: SmsFieldsFragment, status: SmsFieldsFragment['status'], updatedAt: string): SmsFieldsFragment => ({ ...x, status, updatedAt });

  it('shows the newest registration and each SMS at its newest status', () => {
    const otp = m('o', 'REGISTRATION_OTP', '2025-07-01T08:00:00Z');
    const fromQuery = reg('OTP_SENT', '2025-07-01T08:00:00Z', [at(otp, 'DELIVERED', '2025-07-01T08:00:05Z')]);
    // A live event that arrived later but carries an older SMS status must not turn DELIVERED back.
    const event = reg('OTP_SENT', '2025-07-01T08:00:00Z', [at(otp, 'SENT', '2025-07-01T08:00:02Z')]);
    const got = currentRegistration([fromQuery, event]);
    expect(got?.sms.map((x) => x.status)).toEqual(['DELIVERED']);
    // A newer registration wins whatever its source.
    const created = reg('CREATED', '2025-07-01T08:01:00Z', []);
    expect(currentRegistration([created, event])?.state).toBe('CREATED');
    // An SMS only a mutation returned (a resent password) is added.
    const pw = m('p', 'INITIAL_PASSWORD', '2025-07-01T08:02:00Z');
    expect(currentRegistration([created], [pw])?.sms.map((x) => x.id)).toEqual(['p']);
    expect(currentRegistration([null, undefined])).toBeNull();
  });

  it('notes when statuses were seen in the live events', () => {
    const otp = m('o', 'REGISTRATION_OTP', 't0');
    const seen = seenInEvents([
      { registration: reg('OTP_SENT', 'x', [otp]), sms: at(otp, 'SENT', 'x'), at: 't1' },
      { registration: reg('OTP_SENT', 'x', []), sms: at(otp, 'DELIVERED', 'x'), at: 't2' },
    ]);
    expect(seen).toEqual({ o: { QUEUED: 't0', SENT: 't1', DELIVERED: 't2' } });
  });
});
