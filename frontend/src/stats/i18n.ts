// t() for the statistics page: its own dictionary (./messages) first, the shared one
// for common words (SMS kinds, actions, error texts), in the current UI language.
import { useCallback } from 'react';
import { useLang, type Lang, type T, type Vars } from '../i18n';
import type { MessageKey } from '../i18n/messages';
import { statsEn, statsVi, type StatsKey } from './messages';

/** A key of either dictionary. */
export type AnyKey = StatsKey | MessageKey;

/** Translates a key of either dictionary. */
export type StatsT = (key: AnyKey, vars?: Vars) => string;

function isStatsKey(key: string): key is StatsKey {
  return Object.hasOwn(statsVi, key);
}

/** The text of key in lang, with {placeholders} filled from vars; shared keys through t. */
export function translateStats(lang: Lang, t: T, key: AnyKey, vars?: Vars): string {
  if (!isStatsKey(key)) return t(key, vars);
  const text: string = (lang === 'en' ? statsEn : statsVi)[key];
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** t() of the statistics page, and the UI language (numbers are formatted by it). */
export function useStatsT(): StatsT {
  const { lang, t } = useLang();
  return useCallback<StatsT>((key, vars) => translateStats(lang, t, key, vars), [lang, t]);
}
