// Turning server refusals into what the user reads and what the UI decides on.
// The server's `message` is already localized (Accept-Language) and is shown as is;
// `extensions.code` drives UI decisions; the dictionary's text stands in when the
// server gave no usable message (network failure, an old server, an empty message).
import type { MessageKey } from '../i18n/messages';

/** The error codes of the public contract (docs/API.md), in its order. */
export const errorCodes = [
  'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'VALIDATION', 'ACCOUNT_EXISTS', 'OFFICER_HAS_NO_UNIT',
  'UNIT_NOT_SERVICE_DESK', 'VNPOST_ACCOUNT', 'OUT_OF_SCOPE', 'INVALID_STATE', 'OTP_INVALID', 'OTP_EXPIRED',
  'OTP_SUPERSEDED', 'OTP_TOO_MANY_ATTEMPTS', 'OTP_RESEND_TOO_SOON', 'RATE_LIMITED', 'FILE_TOO_LARGE',
  'FILE_TYPE_NOT_ALLOWED', 'PASSWORD_TOO_WEAK', 'PASSWORD_CHANGE_REQUIRED', 'INTERNAL',
  'FILE_INFECTED', 'SCAN_UNAVAILABLE', 'RESYNC_REQUIRED',
] as const;

/** A code of the public contract, or NETWORK when the server could not be reached. */
export type ErrorCode = (typeof errorCodes)[number] | 'NETWORK';

/** One refusal, ready to show. */
export interface AppError {
  code: ErrorCode;
  message: string;
  field?: string;
  extensions: Record<string, unknown>;
}

/** The shape of urql's CombinedError that matters here (kept structural for tests). */
export interface ErrorLike {
  networkError?: Error;
  graphQLErrors: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> | null }>;
}

function isKnownCode(c: unknown): c is ErrorCode {
  return typeof c === 'string' && (errorCodes as readonly string[]).includes(c);
}

/** The dictionary key with the fallback text for a code. */
export function errorMessageKey(code: ErrorCode): MessageKey {
  return `error.${code}` as MessageKey;
}

// gqlgen's own failures ("input: …", "must be defined", parse errors) are for
// developers; replace them with the generic text of their code.
function usableServerMessage(m: string | undefined, hasCode: boolean): boolean {
  return !!m && m.trim() !== '' && hasCode;
}

/**
 * Lists the refusals in an error. t translates a dictionary key. Errors without
 * a contract code count as INTERNAL.
 */
export function appErrors(err: ErrorLike | null | undefined, t: (k: MessageKey) => string): AppError[] {
  if (!err) return [];
  if (err.graphQLErrors.length === 0) {
    if (!err.networkError) return [];
    return [{ code: 'NETWORK', message: t('error.NETWORK'), extensions: {} }];
  }
  return err.graphQLErrors.map((g) => {
    const ext = (g.extensions ?? {}) as Record<string, unknown>;
    const known = isKnownCode(ext.code);
    const code: ErrorCode = known ? (ext.code as ErrorCode) : 'INTERNAL';
    const message = usableServerMessage(g.message, known) ? g.message : t(errorMessageKey(code));
    const field = typeof ext.field === 'string' ? ext.field : undefined;
    return { code, message, field, extensions: ext };
  });
}

/** The first refusal in an error, or null. */
export function firstAppError(err: ErrorLike | null | undefined, t: (k: MessageKey) => string): AppError | null {
  return appErrors(err, t)[0] ?? null;
}

/** Whether any refusal in err has one of the codes. */
export function hasCode(err: ErrorLike | null | undefined, ...codes: ErrorCode[]): boolean {
  if (!err) return false;
  return err.graphQLErrors.some((g) => codes.includes((g.extensions?.code ?? '') as ErrorCode));
}
