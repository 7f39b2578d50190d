// The UI language: Vietnamese by default, English on request, remembered per browser
// and sent to the server as Accept-Language so its messages match.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Locale } from 'antd/es/locale';
import { vi, type MessageKey } from './messages';

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

/** A table of every text in one language. */
export type Messages = Record<MessageKey, string>;

/** The text of key in table (Vietnamese by default), with {placeholders} filled from vars. */
export function translate(table: Messages = vi, key: MessageKey, vars?: Vars): string {
  const text: string = table[key] ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** Translates a key in the current language. */
export type T = (key: MessageKey, vars?: Vars) => string;

interface LangState {
  lang: Lang;
  /** Ant Design's texts in English; undefined for Vietnamese (the caller's default). */
  antdLocale?: Locale;
  setLang: (l: Lang) => void;
  t: T;
}

const LangContext = createContext<LangState | null>(null);

/** Provides the language and t() to the tree. */
export function LangProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(storedLang);
  const [english, setEnglish] = useState<{ messages: Messages; antd: Locale } | null>(null);
  useEffect(() => {
    if (lang === 'en' && !english) void import('./messages.en').then((m) => setEnglish({ messages: m.en, antd: m.antdLocale }));
  }, [lang, english]);
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
    () => ({
      lang,
      setLang,
      antdLocale: lang === 'en' ? english?.antd : undefined,
      t: (key, vars) => translate(lang === 'en' && english ? english.messages : vi, key, vars),
    }),
    [lang, setLang, english],
  );
  // Until the English texts arrive (a moment, once), show nothing rather than Vietnamese.
  if (lang === 'en' && !english) return null;
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
