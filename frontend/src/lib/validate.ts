// Pre-validation of what an officer types, so obvious typos are caught before a
// round trip. The server applies the authoritative rules (docs/RULES.md); these checks
// only refuse what the server would certainly refuse too.
import type { MessageKey } from '../i18n/messages';

/** A problem found in an input, as a dictionary key plus values to interpolate. */
export interface InputProblem {
  key: MessageKey;
  vars?: Record<string, string | number>;
}

/** Strips the spaces and dots people type inside ID numbers and phones. */
export function stripSeparators(s: string): string {
  return s.replace(/[\s.-]/g, '');
}

/**
 * Checks an ID number typed for lookup (9-digit CMND or 12-digit CCCD) or, with
 * forNewAccount, for a new account (12-digit CCCD only, source §3 + Law 26/2023).
 */
export function checkIdNumber(raw: string, forNewAccount: boolean): InputProblem | null {
  const s = stripSeparators(raw);
  if (s === '') return { key: 'validate.idNumber.required' };
  if (!/^[0-9]+$/.test(s)) return { key: 'validate.idNumber.digits' };
  if (s.length === 12) return null;
  if (s.length === 9) return forNewAccount ? { key: 'validate.idNumber.cmndNotForNew' } : null;
  return { key: 'validate.idNumber.length' };
}

// Century of birth by the CCCD's fourth digit (male/female pairs), Circular 59/2021/TT-BCA.
const centuryByDigit: Record<string, number> = {
  '0': 1900, '1': 1900, '2': 2000, '3': 2000, '4': 2100, '5': 2100, '6': 2200, '7': 2200, '8': 1800, '9': 1800,
};

/**
 * Checks that digits 4–6 of a 12-digit CCCD agree with the year of birth
 * (dateOfBirth as YYYY-MM-DD). Returns null when they agree or cannot be compared.
 */
export function checkIdMatchesBirthYear(raw: string, dateOfBirth: string): InputProblem | null {
  const s = stripSeparators(raw);
  const year = Number(dateOfBirth.slice(0, 4));
  if (!/^[0-9]{12}$/.test(s) || !Number.isInteger(year) || year < 1800) return null;
  const century = centuryByDigit[s[3]];
  const yy = Number(s.slice(4, 6));
  if (century + yy === year) return null;
  return { key: 'validate.idNumber.birthYear', vars: { digits: s.slice(3, 6), year } };
}

// Old 11-digit mobile prefixes converted in 2018–2019 and their new 3-digit prefixes.
const oldPrefixes: Record<string, string> = {
  '0162': '032', '0163': '033', '0164': '034', '0165': '035', '0166': '036', '0167': '037', '0168': '038', '0169': '039',
  '0120': '070', '0121': '079', '0122': '077', '0126': '076', '0128': '078',
  '0123': '083', '0124': '084', '0125': '085', '0127': '081', '0129': '082',
  '0186': '056', '0188': '058', '0199': '059',
};

/** Turns the accepted spellings (0912…, 84912…, +84912…, 0084912…) into the national form 0912…. */
export function nationalPhone(raw: string): string {
  let s = stripSeparators(raw).replace(/[()]/g, '');
  if (s.startsWith('+84')) s = '0' + s.slice(3);
  else if (s.startsWith('0084')) s = '0' + s.slice(4);
  else if (s.startsWith('84') && s.length === 11) s = '0' + s.slice(2);
  return s;
}

/** Checks a Vietnamese mobile number: 10 digits starting 03, 05, 07, 08 or 09. */
export function checkPhone(raw: string): InputProblem | null {
  const s = nationalPhone(raw);
  if (s === '') return { key: 'validate.phone.required' };
  if (!/^[0-9]+$/.test(s)) return { key: 'validate.phone.digits' };
  if (s.length === 11 && oldPrefixes[s.slice(0, 4)]) {
    return { key: 'validate.phone.oldPrefix', vars: { old: s.slice(0, 4), new: oldPrefixes[s.slice(0, 4)] } };
  }
  if (s.length !== 10) return { key: 'validate.phone.length' };
  if (!/^0[35789]/.test(s)) return { key: 'validate.phone.notMobile' };
  return null;
}

/** Checks an optional e-mail address loosely; the server decides. */
export function checkEmail(raw: string): InputProblem | null {
  const s = raw.trim();
  if (s === '') return null;
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s) ? null : { key: 'validate.email' };
}

/** The largest scan the server accepts: 5 MB (source §3), 5 × 1024 × 1024 bytes. */
export const maxScanBytes = 5_242_880;

/** Checks the scanned ID file's size before anything is read: not empty, at most 5 MB. */
export function checkScanFile(file: { size: number }): InputProblem | null {
  if (file.size === 0) return { key: 'validate.scan.empty' };
  if (file.size > maxScanBytes) return { key: 'validate.scan.size' };
  return null;
}

/** What a file is, from its first bytes, in the words the desk uses. */
export type FileKind = 'pdf' | 'word' | 'text' | 'image' | 'archive' | 'program' | 'unknown';

function startsWith(head: Uint8Array, ...bytes: number[]): boolean {
  return bytes.every((b, i) => head[i] === b);
}

/**
 * Decides a file's kind from its first bytes, as the server does from the whole
 * content (scans.Check): a PDF, a Word file (a compound file or a zip package;
 * the server looks inside), or something else said in words. The name does not
 * count: a PDF named .jpg is a PDF.
 */
export function fileKind(head: Uint8Array): FileKind {
  if (startsWith(head, 0x25, 0x50, 0x44, 0x46, 0x2d)) return 'pdf'; // %PDF-
  if (startsWith(head, 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) return 'word'; // DOC (compound file)
  if (startsWith(head, 0x50, 0x4b, 0x03, 0x04)) return 'word'; // DOCX (zip package)
  if (
    startsWith(head, 0xff, 0xd8, 0xff) || // JPEG
    startsWith(head, 0x89, 0x50, 0x4e, 0x47) || // PNG
    startsWith(head, 0x47, 0x49, 0x46, 0x38) || // GIF
    startsWith(head, 0x42, 0x4d) || // BMP
    startsWith(head, 0x49, 0x49, 0x2a, 0x00) || // TIFF
    startsWith(head, 0x4d, 0x4d, 0x00, 0x2a) ||
    (startsWith(head, 0x52, 0x49, 0x46, 0x46) && String.fromCharCode(...head.slice(8, 12)) === 'WEBP') ||
    String.fromCharCode(...head.slice(4, 12)).startsWith('ftypheic')
  )
    return 'image';
  if (startsWith(head, 0x52, 0x61, 0x72, 0x21) || startsWith(head, 0x37, 0x7a, 0xbc, 0xaf) || startsWith(head, 0x1f, 0x8b)) return 'archive';
  if (startsWith(head, 0x4d, 0x5a) || startsWith(head, 0x7f, 0x45, 0x4c, 0x46)) return 'program'; // MZ, ELF
  if (head.length > 0 && looksLikeText(head)) return 'text';
  return 'unknown';
}

// Text: valid UTF-8 without control characters other than tab and line breaks.
function looksLikeText(head: Uint8Array): boolean {
  let text: string;
  try {
    // stream: a multi-byte character cut at the end of the sample is not an error.
    text = new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
  } catch {
    return false;
  }
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0c && c !== 0x0d) || c === 0x7f) return false;
  }
  return true;
}

/** Refuses a scan whose content is not a PDF or Word file, saying what it is. */
export function checkScanKind(kind: FileKind): InputProblem | null {
  if (kind === 'pdf' || kind === 'word') return null;
  return { key: 'validate.scan.kind', vars: { kind: kind } };
}

/** Checks a new password's length: 8 to 128 characters, counted in code points. */
export function checkNewPassword(pw: string): InputProblem | null {
  const n = [...pw].length;
  if (n < 8) return { key: 'validate.password.short' };
  if (n > 128) return { key: 'validate.password.long' };
  return null;
}
