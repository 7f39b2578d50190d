// Numbers on screen in the UI's language (1.234,5 in Vietnamese, 1,234.5 in English);
// the CSV files are always written the Vietnamese way (./csv).
import { useMemo } from 'react';
import { useLang } from '../i18n';
import type { CsvKind, CsvValue } from './csv';
import { formatDate } from '../lib/format';

export interface NumberFormat {
  /** A count or a measure (at most 2 decimals). */
  n: (v: number) => string;
  /** A share 0..1 as a percentage (1 decimal). */
  pct: (v: number | null | undefined) => string;
  /** A table cell by its column's kind. */
  cell: (v: CsvValue, kind?: CsvKind) => string;
}

export function numberFormat(lang: 'vi' | 'en'): NumberFormat {
  const locale = lang === 'en' ? 'en-GB' : 'vi-VN';
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const n = (v: number) => number.format(v);
  const pct = (v: number | null | undefined) => (v === null || v === undefined ? '–' : percent.format(v));
  return {
    n,
    pct,
    cell: (v, kind) => {
      if (v === null || v === undefined) return '–';
      if (typeof v === 'number') return kind === 'percent' ? pct(v) : n(v);
      return kind === 'date' ? formatDate(v) : v;
    },
  };
}

/** The number format of the UI's language. */
export function useNumberFormat(): NumberFormat {
  const { lang } = useLang();
  return useMemo(() => numberFormat(lang), [lang]);
}
