import { describe, expect, it } from 'vitest';
import { smsOutcome } from './smsOutcome';
import { translate, type T } from '../i18n';
import { vi } from '../i18n/messages';
import { en } from '../i18n/messages.en';
import type { SmsStatus } from '../gql/graphql';

const tVi: T = (key, vars) => translate(vi, key, vars);
const tEn: T = (key, vars) => translate(en, key, vars);

// Every status of ent/schema/smsenum, as the generated SmsStatus knows them.
const statuses: SmsStatus[] = ['QUEUED', 'SENDING', 'SENT', 'DELIVERED', 'UNDELIVERED', 'FAILED', 'EXPIRED', 'NO_REPORT'];

describe('smsOutcome', () => {
  it('explains every status in both languages, each differently', () => {
    for (const t of [tVi, tEn]) {
      const texts = statuses.map((s) => smsOutcome(s, null, t).explanation);
      for (const [i, text] of texts.entries()) {
        expect(text, statuses[i]).not.toMatch(/^smsOutcome\./); // a missing key comes back as itself
        expect(text.length, statuses[i]).toBeGreaterThan(20);
      }
      expect(new Set(texts).size).toBe(statuses.length);
    }
  });

  it.each([
    ['UNDELIVERED', 'Nhà mạng báo không chuyển được tin tới số này', 'could not deliver the message to this number'],
    ['FAILED', 'Không gửi được', 'Not sent'],
    ['EXPIRED', 'đã hết hạn trước khi kịp gửi', 'lapsed before it could be sent'],
    ['NO_REPORT', 'không rõ tin đã đến máy chưa', 'nobody knows whether it arrived'],
    ['DELIVERED', 'đã đến máy của công dân', 'reached the citizen’s phone'],
  ] as const)('says what %s means, in Vietnamese and in English', (status, viText, enText) => {
    expect(smsOutcome(status, null, tVi).explanation).toContain(viText);
    expect(smsOutcome(status, null, tEn).explanation).toContain(enText);
  });

  it('tells the officer to resend after a failure, and nothing to do after delivery', () => {
    for (const s of ['UNDELIVERED', 'FAILED', 'EXPIRED', 'NO_REPORT'] as const) {
      expect(smsOutcome(s, null, tVi).explanation, s).toContain('gửi lại');
      expect(smsOutcome(s, null, tEn).explanation, s).toContain('resend');
    }
    expect(smsOutcome('DELIVERED', null, tVi).explanation).toContain('Không cần làm gì');
  });

  it.each([
    ['EXPIRED', 'not sent: the code expired before it could be sent'],
    ['FAILED', 'not sent: the message text is missing'],
    ['UNDELIVERED', 'the provider reported UNDELIVERED'],
    ['FAILED', 'the provider reported FAILED'],
  ] as const)('drops the server’s own restatement of %s: %s', (status, lastError) => {
    for (const t of [tVi, tEn]) {
      const o = smsOutcome(status, lastError, t);
      expect(o.detail).toBeNull();
      expect(o.explanation).toBe(smsOutcome(status, null, t).explanation);
    }
  });

  it('keeps a gateway’s text and a receipt’s detail as the technical detail', () => {
    expect(smsOutcome('FAILED', '3 attempts: console: gateway error (simulated)', tVi)).toEqual({
      explanation: vi['smsOutcome.FAILED'],
      detail: '3 attempts: console: gateway error (simulated)',
    });
    expect(smsOutcome('UNDELIVERED', 'UNDELIV: absent subscriber', tEn)).toEqual({
      explanation: en['smsOutcome.UNDELIVERED'],
      detail: 'UNDELIV: absent subscriber',
    });
    // Only the exact restatement is dropped: a gateway text that starts like one stays.
    expect(smsOutcome('FAILED', 'the provider reported FAILED: number barred', tVi).detail).toBe('the provider reported FAILED: number barred');
  });

  it('keeps the receipt deadline a NO_REPORT waited for', () => {
    const o = smsOutcome('NO_REPORT', 'no delivery report within 3m0s of sending', tVi);
    expect(o.explanation).toBe(vi['smsOutcome.NO_REPORT']);
    expect(o.detail).toBe('no delivery report within 3m0s of sending');
  });

  it('says a queued message with an error is being retried', () => {
    expect(smsOutcome('QUEUED', 'console: gateway error (simulated)', tVi)).toEqual({
      explanation: vi['smsOutcome.QUEUED.retry'],
      detail: 'console: gateway error (simulated)',
    });
    expect(smsOutcome('QUEUED', null, tEn).explanation).toBe(en['smsOutcome.QUEUED']);
  });

  it('treats an empty or blank error as none', () => {
    expect(smsOutcome('SENT', '', tVi).detail).toBeNull();
    expect(smsOutcome('QUEUED', '  ', tVi).explanation).toBe(vi['smsOutcome.QUEUED']);
  });
});
