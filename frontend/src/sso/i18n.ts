// t() for the single sign-on screens: their own dictionary (./messages) first, the
// shared one for common words, in the current UI language.
import { useCallback } from 'react';
import { useLang, type Lang, type T, type Vars } from '../i18n';
import type { MessageKey } from '../i18n/messages';
import { ssoEn, ssoVi, type SsoKey } from './messages';

/** A key of either dictionary. */
export type AnyKey = SsoKey | MessageKey;

/** Translates a key of either dictionary. */
export type SsoT = (key: AnyKey, vars?: Vars) => string;

function isSsoKey(key: string): key is SsoKey {
  return Object.hasOwn(ssoVi, key);
}

/** The text of key in lang, with {placeholders} filled from vars; shared keys through t. */
export function translateSso(lang: Lang, t: T, key: AnyKey, vars?: Vars): string {
  if (!isSsoKey(key)) return t(key, vars);
  const text: string = (lang === 'en' ? ssoEn : ssoVi)[key];
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** t() of the single sign-on screens. */
export function useSsoT(): SsoT {
  const { lang, t } = useLang();
  return useCallback<SsoT>((key, vars) => translateSso(lang, t, key, vars), [lang, t]);
}
