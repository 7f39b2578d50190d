import { describe, expect, it } from 'vitest';
import { translate } from './index';
import { vi } from './messages';
import { en } from './messages.en';

describe('translate', () => {
  it('fills placeholders and leaves unknown ones', () => {
    expect(translate(vi, 'reg.resendIn', { time: '0:42' })).toBe('Gửi lại OTP sau 0:42');
    expect(translate(en, 'reg.resendIn', { time: '0:42' })).toBe('Resend OTP in 0:42');
    expect(translate(en, 'reg.resendIn')).toBe('Resend OTP in {time}');
  });

  it('has the same placeholders in both languages', () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const k of Object.keys(vi) as (keyof typeof vi)[]) {
      expect(names(en[k]), k).toEqual(names(vi[k]));
    }
  });

  it('writes Vietnamese in NFC', () => {
    for (const v of Object.values(vi)) expect(v).toBe(v.normalize('NFC'));
  });
});
