import { describe, expect, it } from 'vitest';
import { clientScopeSelection, scopeItems, scopeWords } from './scopes';
import { translateSso as translateWith } from './i18n';
import { translate, type Lang, type Vars } from '../i18n';
import { vi as viTable } from '../i18n/messages';
import { en as enTable } from '../i18n/messages.en';
import type { AnyKey } from './i18n';

const translateSso = (lang: Lang, key: AnyKey, vars?: Vars) =>
  translateWith(lang, (k, v) => translate(lang === 'en' ? enTable : viTable, k, v), key, vars);
import type { SsoKey } from './messages';

const vi = (k: SsoKey) => translateSso('vi', k);
const en = (k: SsoKey) => translateSso('en', k);

describe('scopeItems', () => {
  it('lists known scopes in a fixed order with openid first, whatever the request order', () => {
    expect(scopeItems(['email', 'vn_identity', 'openid', 'profile']).map((i) => i.scope)).toEqual([
      'openid', 'profile', 'email', 'vn_identity',
    ]);
  });

  it('marks only vn_identity as sensitive', () => {
    const items = scopeItems(['openid', 'profile', 'phone', 'email', 'vn_identity', 'offline_access']);
    expect(items.filter((i) => i.sensitive).map((i) => i.scope)).toEqual(['vn_identity']);
  });

  it('keeps unknown scopes by name, after the known ones, and drops duplicates and blanks', () => {
    expect(scopeItems(['x_tax', 'openid', 'openid', ' ', 'profile'])).toEqual([
      { scope: 'openid', key: 'scope.openid', sensitive: false },
      { scope: 'profile', key: 'scope.profile', sensitive: false },
      { scope: 'x_tax', key: null, sensitive: false },
    ]);
  });
});

describe('scopeWords', () => {
  it('says what each scope hands out in plain Vietnamese', () => {
    expect(scopeWords(['openid'], vi)).toBe('mã định danh tài khoản (không phải số định danh cá nhân)');
    expect(scopeWords(['profile'], vi)).toBe('họ tên, ngày sinh');
    expect(scopeWords(['phone'], vi)).toBe('số điện thoại');
    expect(scopeWords(['email'], vi)).toBe('thư điện tử');
    expect(scopeWords(['vn_identity'], vi)).toBe('số định danh cá nhân (12 số)');
  });

  it('joins several scopes, in English too', () => {
    expect(scopeWords(['phone', 'openid', 'x_tax'], en)).toBe(
      'your account identifier (not your personal ID number), your phone number, x_tax',
    );
  });
});

describe('clientScopeSelection', () => {
  it('always includes openid and orders the ticked scopes', () => {
    expect(clientScopeSelection([])).toEqual(['openid']);
    expect(clientScopeSelection(['vn_identity', 'profile', 'openid'])).toEqual(['openid', 'profile', 'vn_identity']);
  });
});
