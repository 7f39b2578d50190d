import { describe, expect, it } from 'vitest';
import { checkURI, checkURIList, formFieldOf, maxURIs, uriLines } from './clientForm';

describe('checkURI', () => {
  it.each([
    ['https://dichvucong.langson.gov.vn/oidc/callback', null],
    ['http://127.0.0.1:18080/dev/rp/callback', null],
    ['https://a.gov.vn/cb?x=1', null],
    ['dichvucong.langson.gov.vn/cb', 'clientForm.uriInvalid'],
    ['javascript:alert(1)', 'clientForm.uriInvalid'],
    ['ftp://a.gov.vn/cb', 'clientForm.uriInvalid'],
    ['https://a.gov.vn/cb#frag', 'clientForm.uriInvalid'],
    ['https://a.gov.vn/cb#', 'clientForm.uriInvalid'],
  ])('%s → %s', (uri, want) => {
    expect(checkURI(uri)?.key ?? null).toBe(want);
  });
});

describe('uriLines and checkURIList', () => {
  it('splits lines, trims, drops blanks and duplicates', () => {
    expect(uriLines(' https://a.vn/cb \r\n\nhttps://b.vn/cb\nhttps://a.vn/cb\n')).toEqual(['https://a.vn/cb', 'https://b.vn/cb']);
    expect(uriLines(undefined)).toEqual([]);
  });

  it('requires one address only where asked', () => {
    expect(checkURIList('  \n', true)?.key).toBe('clientForm.redirectRequired');
    expect(checkURIList('', false)).toBeNull();
  });

  it('names the first bad address', () => {
    expect(checkURIList('https://a.vn/cb\nnot a url', true)).toEqual({ key: 'clientForm.uriInvalid', vars: { uri: 'not a url' } });
  });

  it('limits the count', () => {
    const many = Array.from({ length: maxURIs + 1 }, (_, i) => `https://a.vn/cb${i}`).join('\n');
    expect(checkURIList(many, true)?.key).toBe('clientForm.tooMany');
  });
});

describe('formFieldOf', () => {
  it.each([
    ['name', 'name'],
    ['unitID', 'unit'],
    ['input.unitID', 'unit'],
    ['redirectURIs', 'redirectURIs'],
    ['redirectURIs[2]', 'redirectURIs'],
    ['input.postLogoutRedirectURIs.0', 'postLogoutRedirectURIs'],
    ['backchannelLogoutURI', 'backchannelLogoutURI'],
    ['scopes', 'scopes'],
    ['clientSecret', null],
    [undefined, null],
  ])('%s → %s', (field, want) => {
    expect(formFieldOf(field)).toBe(want);
  });
});
