import { describe, expect, it } from 'vitest';
import { messagesOfKind, noteSeen, stepOf } from './registrationView';
import type { SmsFieldsFragment } from '../gql/graphql';

const m = (id: string, kind: SmsFieldsFragment['kind'], createdAt: string): SmsFieldsFragment => ({
  id, kind, createdAt, status: 'QUEUED', phoneMasked: '', attempts: 1, lastError: null, updatedAt: createdAt,
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
});
