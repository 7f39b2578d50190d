import { describe, expect, it } from 'vitest';
import { isSsoReturnPath, preferredLang, retryAvailableAt, ssoStep } from './step';

describe('ssoStep', () => {
  it('waits while there is no answer', () => {
    expect(ssoStep({ request: undefined, errorCodes: [] })).toBe('loading');
  });

  it('follows next', () => {
    expect(ssoStep({ request: { next: 'SIGN_IN' }, errorCodes: [] })).toBe('signIn');
    expect(ssoStep({ request: { next: 'CHANGE_PASSWORD' }, errorCodes: [] })).toBe('changePassword');
    expect(ssoStep({ request: { next: 'CONSENT' }, errorCodes: [] })).toBe('consent');
  });

  it('reads null and NOT_FOUND as an expired or unknown request', () => {
    expect(ssoStep({ request: null, errorCodes: [] })).toBe('expired');
    expect(ssoStep({ request: null, errorCodes: ['NOT_FOUND'] })).toBe('expired');
  });

  it('sends a session that must change its password to the change, even when the query is refused', () => {
    expect(ssoStep({ request: null, errorCodes: ['PASSWORD_CHANGE_REQUIRED'] })).toBe('changePassword');
  });

  it('fails on any other refusal without an answer, but not on a stale one with an answer', () => {
    expect(ssoStep({ request: null, errorCodes: ['INTERNAL'] })).toBe('failed');
    expect(ssoStep({ request: undefined, errorCodes: ['NETWORK'] })).toBe('failed');
    expect(ssoStep({ request: { next: 'CONSENT' }, errorCodes: ['INTERNAL'] })).toBe('consent');
  });
});

describe('preferredLang', () => {
  it('takes the first of vi and en, in any case and with a region', () => {
    expect(preferredLang(['en'])).toBe('en');
    expect(preferredLang(['fr', 'EN-us', 'vi'])).toBe('en');
    expect(preferredLang(['vi_VN', 'en'])).toBe('vi');
  });

  it('answers null when neither is asked for', () => {
    expect(preferredLang([])).toBeNull();
    expect(preferredLang(['fr', 'zh-Hans'])).toBeNull();
  });
});

describe('retryAvailableAt', () => {
  it('reads extensions.availableAt of RATE_LIMITED', () => {
    expect(retryAvailableAt({ code: 'RATE_LIMITED', availableAt: '2026-03-01T08:15:00Z' })).toBe('2026-03-01T08:15:00Z');
  });

  it('ignores a missing or unreadable time', () => {
    expect(retryAvailableAt({ code: 'RATE_LIMITED' })).toBeNull();
    expect(retryAvailableAt({ availableAt: 'soon' })).toBeNull();
    expect(retryAvailableAt({ availableAt: 42 })).toBeNull();
  });
});

describe('isSsoReturnPath', () => {
  it('accepts only this page', () => {
    expect(isSsoReturnPath('/sso/01HZX3K8Q9ABCDEF')).toBe(true);
    expect(isSsoReturnPath('//evil.example/sso/1')).toBe(false);
    expect(isSsoReturnPath('https://evil.example/sso/1')).toBe(false);
    expect(isSsoReturnPath('/sso/1/../../admin')).toBe(false);
    expect(isSsoReturnPath(undefined)).toBe(false);
  });
});
