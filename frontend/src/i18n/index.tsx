// The UI language: Vietnamese by default, English on request, remembered per browser
// and sent to the server as Accept-Language so its messages match.
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { en, vi, type MessageKey } from './messages';

export type Lang = 'vi' | 'en';

const storageKey = 'motcua.lang';

/** The language chosen in this browser (Vietnamese unless English was picked). */
export function storedLang(): Lang {
  try {
    return globalThis.localStorage?.getItem(storageKey) === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

/** Vars replace {name} placeholders. */
export type Vars = Record<string, string | number>;

/** The text of key in lang, with {placeholders} filled from vars. */
export function translate(lang: Lang, key: MessageKey, vars?: Vars): string {
  const text: string = (lang === 'en' ? en : vi)[key] ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** Translates a key in the current language. */
export type T = (key: MessageKey, vars?: Vars) => string;

interface LangState {
  lang: Lang;
  setLang: (l: Lang) => void;
  t: T;
}

const LangContext = createContext<LangState | null>(null);

/** Provides the language and t() to the tree. */
export function LangProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(storedLang);
  const setLang = useCallback((l: Lang) => {
    try {
      localStorage.setItem(storageKey, l);
    } catch {
      // private mode: the choice lasts for this page only
    }
    document.documentElement.lang = l;
    setLangState(l);
  }, []);
  const value = useMemo<LangState>(
    () => ({ lang, setLang, t: (key, vars) => translate(lang, key, vars) }),
    [lang, setLang],
  );
  return <LangContext.Provider value={value}>{children}</LangContext.Provider>;
}

/** The current language, its setter and t(). */
export function useLang(): LangState {
  const v = useContext(LangContext);
  if (!v) throw new Error('useLang outside LangProvider');
  return v;
}

/** Shorthand for useLang().t. */
export function useT(): T {
  return useLang().t;
}
