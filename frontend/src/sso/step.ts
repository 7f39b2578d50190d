// What the sign-in handoff page (/sso/:id) shows, decided from the answer of
// oidcAuthRequest. Kept pure so the rules are tested without a browser.
import type { Lang } from '../i18n';
import type { OidcNextStep } from '../gql/graphql';
import type { ErrorCode } from '../lib/errors';

/** The screens of the handoff page. */
export type SsoStep = 'loading' | 'failed' | 'expired' | 'signIn' | 'changePassword' | 'consent';

interface StepInput {
  /** The request as answered; undefined while there is no answer yet. */
  request: { next: OidcNextStep } | null | undefined;
  /** The codes of the refusals in the answer, if any. */
  errorCodes: readonly ErrorCode[];
}

const byNext: Record<OidcNextStep, SsoStep> = {
  SIGN_IN: 'signIn',
  CHANGE_PASSWORD: 'changePassword',
  CONSENT: 'consent',
};

/**
 * The screen for an answer of oidcAuthRequest. A session that must change its
 * password may be refused anything but the change (PASSWORD_CHANGE_REQUIRED): that
 * refusal leads to the change too. An unknown id reads as expired, whether the
 * server answers null or NOT_FOUND.
 */
export function ssoStep({ request, errorCodes }: StepInput): SsoStep {
  if (errorCodes.includes('PASSWORD_CHANGE_REQUIRED')) return 'changePassword';
  if (errorCodes.includes('NOT_FOUND')) return 'expired';
  if (request) return byNext[request.next] ?? 'failed';
  if (errorCodes.length > 0) return 'failed';
  if (request === null) return 'expired';
  return 'loading';
}

/**
 * The UI language a relying party asks for with ui_locales, first preferred
 * ("en-US" counts as en); null when it names neither Vietnamese nor English.
 */
export function preferredLang(uiLocales: readonly string[]): Lang | null {
  for (const tag of uiLocales) {
    const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
    if (primary === 'vi' || primary === 'en') return primary;
  }
  return null;
}

/**
 * The time a RATE_LIMITED refusal names in extensions.availableAt (RFC 3339), or
 * null when it names none or an unreadable one.
 */
export function retryAvailableAt(extensions: Record<string, unknown>): string | null {
  const v = extensions.availableAt;
  return typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? v : null;
}

/** Only paths of this page may be a return target (never another site). */
export function isSsoReturnPath(p: unknown): p is string {
  return typeof p === 'string' && /^\/sso\/[A-Za-z0-9_-]+$/.test(p);
}
