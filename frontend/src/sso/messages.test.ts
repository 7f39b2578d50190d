import { describe, expect, it } from 'vitest';
import { ssoEn, ssoVi } from './messages';
import { vi as sharedVi } from '../i18n/messages';
import { translateSso as translateWith } from './i18n';
import { translate, type Lang, type Vars } from '../i18n';
import { vi as viTable } from '../i18n/messages';
import { en as enTable } from '../i18n/messages.en';
import type { AnyKey } from './i18n';

const translateSso = (lang: Lang, key: AnyKey, vars?: Vars) =>
  translateWith(lang, (k, v) => translate(lang === 'en' ? enTable : viTable, k, v), key, vars);

describe('the SSO dictionary', () => {
  it('has the same placeholders in both languages', () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const k of Object.keys(ssoVi) as (keyof typeof ssoVi)[]) {
      expect(names(ssoEn[k]), k).toEqual(names(ssoVi[k]));
    }
  });

  it('writes Vietnamese in NFC', () => {
    for (const v of Object.values(ssoVi)) expect(v).toBe(v.normalize('NFC'));
  });

  it('does not shadow a key of the shared dictionary', () => {
    const shared = new Set(Object.keys(sharedVi));
    expect(Object.keys(ssoVi).filter((k) => shared.has(k))).toEqual([]);
  });

  it('falls back to the shared dictionary and fills placeholders', () => {
    expect(translateSso('vi', 'signIn.forgot')).toBe('Quên mật khẩu?');
    expect(translateSso('vi', 'sso.asks', { client: 'Cổng Dịch vụ công tỉnh Lạng Sơn' })).toBe(
      'Cổng Dịch vụ công tỉnh Lạng Sơn đề nghị đăng nhập bằng tài khoản của bạn',
    );
    expect(translateSso('en', 'sso.asks')).toBe('{client} asks to sign you in with your account');
  });
});
