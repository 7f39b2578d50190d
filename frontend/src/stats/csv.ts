// CSV files of the statistics page, for Excel as Vietnamese offices use it: UTF-8
// with a byte order mark (without it Excel reads the file as the machine's legacy
// code page and Vietnamese letters come out garbled), numbers written the Vietnamese
// way (1.234,5) and days as dd/MM/yyyy. Fields are quoted as RFC 4180 says.

/** What a cell holds; null and undefined are written as an empty cell. */
export type CsvValue = string | number | null | undefined;

/** How a column's values are written. */
export type CsvKind = 'text' | 'number' | 'percent' | 'date';

export interface CsvColumn<R> {
  header: string;
  kind?: CsvKind;
  value: (row: R) => CsvValue;
}

/** The byte order mark that tells Excel the file is UTF-8. */
export const BOM = '\uFEFF';

const numberVi = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 });
const percentVi = new Intl.NumberFormat('vi-VN', { style: 'percent', maximumFractionDigits: 1 });

/** A Date scalar (YYYY-MM-DD…) as dd/MM/yyyy; anything else unchanged. */
function dayVi(v: string): string {
  const m = v.match(/^(\d{4})-(\d{2})-(\d{2})/);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : v;
}

/** One cell as text, by the column's kind. */
export function formatCell(v: CsvValue, kind: CsvKind = 'text'): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return '';
    return kind === 'percent' ? percentVi.format(v) : numberVi.format(v);
  }
  if (kind === 'date') return dayVi(v);
  // A text starting with = + - @ (or a tab/CR) is a formula to a spreadsheet: a unit
  // or officer name must never run as one, so it is kept as text with a leading quote.
  if (/^[=+\-@\t\r]/.test(v)) return `'${v}`;
  return v;
}

/** Quotes a field when it holds the separator, a quote or a line break. */
export function quoteField(s: string, sep = ','): string {
  if (s.includes(sep) || s.includes('"') || s.includes('\n') || s.includes('\r')) return `"${s.replaceAll('"', '""')}"`;
  return s;
}

/** The whole file: BOM, a header line, one line per row, CRLF line ends. */
export function buildCsv<R>(columns: CsvColumn<R>[], rows: readonly R[], sep = ','): string {
  const line = (cells: string[]) => cells.map((c) => quoteField(c, sep)).join(sep);
  const lines = [line(columns.map((c) => c.header))];
  for (const r of rows) lines.push(line(columns.map((c) => formatCell(c.value(r), c.kind))));
  return BOM + lines.join('\r\n') + '\r\n';
}

/** A file name of ASCII letters, digits and dashes (no diacritics, no spaces). */
export function csvFileName(base: string, from: string, to: string): string {
  const slug = base
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `${slug}_${from}_${to}.csv`;
}
