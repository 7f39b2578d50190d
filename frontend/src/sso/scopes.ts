// What each OpenID Connect scope hands to a relying party, in plain words for the
// citizen (consent screen, connected systems) and the admin (client form). The
// claims behind each scope are in docs/SSO.md.
import type { SsoKey } from './messages';

/** The scopes motcua knows, in the order they are listed to people. */
export const knownScopes = ['openid', 'profile', 'phone', 'email', 'vn_identity', 'offline_access'] as const;

export type KnownScope = (typeof knownScopes)[number];

/** The scopes an admin may allow a client (openid is always included). */
export const clientScopes: readonly KnownScope[] = ['openid', 'profile', 'phone', 'email', 'vn_identity'];

/** vn_identity hands out the 12-digit ID number: shown highlighted, never ticked by default. */
export const sensitiveScopes: readonly string[] = ['vn_identity'];

/** One scope as people read it: a dictionary key for known scopes, the raw name otherwise. */
export interface ScopeItem {
  scope: string;
  key: SsoKey | null;
  sensitive: boolean;
}

function isKnown(s: string): s is KnownScope {
  return (knownScopes as readonly string[]).includes(s);
}

/**
 * The scopes as a list to show: known ones in a fixed order (openid first), then
 * unknown ones as given; duplicates and empty names dropped.
 */
export function scopeItems(scopes: readonly string[]): ScopeItem[] {
  const seen = new Set<string>();
  const uniq = scopes.map((s) => s.trim()).filter((s) => s !== '' && !seen.has(s) && seen.add(s));
  const known = knownScopes.filter((k) => uniq.includes(k));
  const unknown = uniq.filter((s) => !isKnown(s));
  return [
    ...known.map((k) => ({ scope: k, key: `scope.${k}` as SsoKey, sensitive: sensitiveScopes.includes(k) })),
    ...unknown.map((s) => ({ scope: s, key: null, sensitive: false })),
  ];
}

/** The scopes in words joined by commas ("mã định danh tài khoản …, họ tên, ngày sinh"). */
export function scopeWords(scopes: readonly string[], t: (k: SsoKey) => string): string {
  return scopeItems(scopes)
    .map((i) => (i.key ? t(i.key) : i.scope))
    .join(', ');
}

/** The scopes to send for a client: openid always, then the ticked ones in the usual order. */
export function clientScopeSelection(ticked: readonly string[]): string[] {
  return scopeItems(['openid', ...ticked]).map((i) => i.scope);
}
