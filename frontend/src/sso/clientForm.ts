// Pure rules of the admins' client form: URI lists typed one per line, and where a
// server refusal about a field is shown.
import type { InputProblem } from '../lib/validate';
import type { SsoKey } from './messages';

/** The most addresses one list may hold (the server has its own limit too). */
export const maxURIs = 20;

/** A problem in the form's terms: a key of the SSO dictionary. */
export interface FormProblem extends Omit<InputProblem, 'key'> {
  key: SsoKey;
}

/**
 * Checks one absolute http(s) address without a fragment. Whether plain http is
 * allowed (dev mode, loopback) is the server's decision.
 */
export function checkURI(raw: string): FormProblem | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return { key: 'clientForm.uriInvalid', vars: { uri: raw } };
  }
  if ((u.protocol !== 'https:' && u.protocol !== 'http:') || u.hash !== '' || raw.includes('#') || u.host === '') {
    return { key: 'clientForm.uriInvalid', vars: { uri: raw } };
  }
  return null;
}

/** Splits a text area into addresses: one per line, blanks dropped, duplicates once. */
export function uriLines(text: string | null | undefined): string[] {
  const seen = new Set<string>();
  return (text ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !seen.has(l) && seen.add(l));
}

/** Checks a list typed one per line; required says whether it may be empty. */
export function checkURIList(text: string | null | undefined, required: boolean): FormProblem | null {
  const uris = uriLines(text);
  if (uris.length === 0) return required ? { key: 'clientForm.redirectRequired' } : null;
  if (uris.length > maxURIs) return { key: 'clientForm.tooMany', vars: { max: maxURIs } };
  for (const u of uris) {
    const p = checkURI(u);
    if (p) return p;
  }
  return null;
}

/** The form's fields that a server refusal may name. */
export const clientFormFields = ['name', 'unit', 'public', 'redirectURIs', 'postLogoutRedirectURIs', 'backchannelLogoutURI', 'scopes'] as const;

export type ClientFormField = (typeof clientFormFields)[number];

/**
 * The form field for extensions.field of a refusal ("redirectURIs[1]",
 * "input.redirectURIs.1", "unitID"), or null when it names none of them.
 */
export function formFieldOf(serverField: string | undefined): ClientFormField | null {
  if (!serverField) return null;
  const parts = serverField.split(/[.[\]]/).filter((p) => p !== '' && p !== 'input' && !/^\d+$/.test(p));
  const name = parts[0] === 'unitID' ? 'unit' : parts[0];
  return (clientFormFields as readonly string[]).includes(name) ? (name as ClientFormField) : null;
}
