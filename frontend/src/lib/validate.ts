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
  return s.replace(/[\s.\-]/g, '');
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

const scanExtensions = ['pdf', 'doc', 'docx'];

/** Checks the scanned ID file before it is uploaded: pdf, doc or docx, not empty, at most 5 MB. */
export function checkScanFile(file: { name: string; size: number }): InputProblem | null {
  const dot = file.name.lastIndexOf('.');
  const ext = dot >= 0 ? file.name.slice(dot + 1).toLowerCase() : '';
  if (!scanExtensions.includes(ext)) return { key: 'validate.scan.type' };
  if (file.size === 0) return { key: 'validate.scan.empty' };
  if (file.size > maxScanBytes) return { key: 'validate.scan.size' };
  return null;
}

/** Checks a new password's length: 8 to 128 characters, counted in code points. */
export function checkNewPassword(pw: string): InputProblem | null {
  const n = [...pw].length;
  if (n < 8) return { key: 'validate.password.short' };
  if (n > 128) return { key: 'validate.password.long' };
  return null;
}
