import { describe, expect, it } from 'vitest';
import { appErrors, errorCodes, errorMessageKey, firstAppError, hasCode } from './errors';
import { vi } from '../i18n/messages';
import { en } from '../i18n/messages.en';
import { translate } from '../i18n';

const tVi = (k: Parameters<typeof translate>[1]) => translate(vi, k);

describe('appErrors', () => {
  it('shows the server message and keeps code and field', () => {
    const errs = appErrors(
      { graphQLErrors: [{ message: 'Số điện thoại không đúng', extensions: { code: 'VALIDATION', field: 'phone' } }] },
      tVi,
    );
    expect(errs).toEqual([
      { code: 'VALIDATION', message: 'Số điện thoại không đúng', field: 'phone', extensions: { code: 'VALIDATION', field: 'phone' } },
    ]);
  });

  it('falls back to the dictionary when the server message is empty', () => {
    const e = firstAppError({ graphQLErrors: [{ message: '', extensions: { code: 'OTP_EXPIRED' } }] }, tVi);
    expect(e?.message).toBe(vi['error.OTP_EXPIRED']);
  });

  it('treats an error without a contract code as INTERNAL and hides its text', () => {
    const e = firstAppError({ graphQLErrors: [{ message: 'runtime error: nil pointer', extensions: {} }] }, tVi);
    expect(e?.code).toBe('INTERNAL');
    expect(e?.message).toBe(vi['error.INTERNAL']);
  });

  it('reports a network failure', () => {
    const e = firstAppError({ graphQLErrors: [], networkError: new Error('fetch failed') }, tVi);
    expect(e).toEqual({ code: 'NETWORK', message: vi['error.NETWORK'], extensions: {} });
  });

  it('returns nothing for no error', () => {
    expect(appErrors(undefined, tVi)).toEqual([]);
    expect(appErrors({ graphQLErrors: [] }, tVi)).toEqual([]);
  });

  it('finds codes', () => {
    const err = { graphQLErrors: [{ message: 'x', extensions: { code: 'OTP_SUPERSEDED' } }] };
    expect(hasCode(err, 'OTP_EXPIRED', 'OTP_SUPERSEDED')).toBe(true);
    expect(hasCode(err, 'OTP_INVALID')).toBe(false);
    expect(hasCode(null, 'OTP_INVALID')).toBe(false);
  });
});

describe('error messages', () => {
  it.each([...errorCodes, 'NETWORK' as const])('%s has a Vietnamese and an English message', (code) => {
    const k = errorMessageKey(code);
    expect(vi[k]).toBeTruthy();
    expect(en[k]).toBeTruthy();
    expect(en[k]).not.toBe(vi[k]);
  });
});
