import { describe, expect, it } from 'vitest';
import { BOM, buildCsv, csvFileName, formatCell, quoteField, type CsvColumn } from './csv';

interface Row {
  day: string;
  unit: string;
  count: number;
  share: number | null;
}

const columns: CsvColumn<Row>[] = [
  { header: 'Ngày', kind: 'date', value: (r) => r.day },
  { header: 'Đơn vị', value: (r) => r.unit },
  { header: 'Số lượng', kind: 'number', value: (r) => r.count },
  { header: 'Tỷ lệ', kind: 'percent', value: (r) => r.share },
];

describe('buildCsv', () => {
  it('starts with the UTF-8 byte order mark and ends lines with CRLF', () => {
    const csv = buildCsv(columns, [{ day: '2026-12-05', unit: 'Xã Tân Thanh', count: 3, share: 0.5 }]);
    expect(csv.startsWith(BOM)).toBe(true);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    // The BOM is written as EF BB BF in UTF-8, what Excel looks for.
    expect([...new TextEncoder().encode(csv).slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.slice(1)).toBe('Ngày,Đơn vị,Số lượng,Tỷ lệ\r\n05/12/2026,Xã Tân Thanh,3,50%\r\n');
  });

  it('writes numbers and days the Vietnamese way, quoting the decimal comma', () => {
    const csv = buildCsv(columns, [{ day: '2026-01-31', unit: 'Lạng Sơn', count: 1234567.5, share: 0.125 }]);
    expect(csv.split('\r\n')[1]).toBe('31/01/2026,Lạng Sơn,"1.234.567,5","12,5%"');
  });

  it('quotes separators, quotes and line breaks, doubling the quotes', () => {
    const csv = buildCsv(columns, [{ day: '2026-02-01', unit: 'Trung tâm "Một cửa", tỉnh\nLạng Sơn', count: 0, share: null }]);
    expect(csv.slice(1).split('\r\n')[1]).toBe('01/02/2026,"Trung tâm ""Một cửa"", tỉnh\nLạng Sơn",0,');
  });

  it('keeps Vietnamese letters as they are (NFC, no escaping)', () => {
    const csv = buildCsv([{ header: 'Tên', value: (r: { n: string }) => r.n }], [{ n: 'Nguyễn Thị Ánh Dương' }]);
    expect(csv).toBe(`${BOM}Tên\r\nNguyễn Thị Ánh Dương\r\n`);
  });

  it('writes only the header when there is no row', () => {
    expect(buildCsv(columns, [])).toBe(`${BOM}Ngày,Đơn vị,Số lượng,Tỷ lệ\r\n`);
  });

  it('uses another separator when asked, quoting by that one', () => {
    const csv = buildCsv(columns, [{ day: '2026-02-01', unit: 'A;B', count: 2.5, share: null }], ';');
    expect(csv.slice(1).split('\r\n')[1]).toBe('01/02/2026;"A;B";2,5;');
  });
});

describe('formatCell', () => {
  it('never lets a text run as a spreadsheet formula', () => {
    expect(formatCell('=HYPERLINK("x")')).toBe(`'=HYPERLINK("x")`);
    expect(formatCell('+84 912')).toBe(`'+84 912`);
    expect(formatCell('@SUM(A1)')).toBe(`'@SUM(A1)`);
    expect(formatCell('-1')).toBe(`'-1`);
    // Numbers are numbers: a negative one is not a formula.
    expect(formatCell(-1, 'number')).toBe('-1');
  });

  it('writes empty cells for missing and non-finite values', () => {
    expect(formatCell(null, 'number')).toBe('');
    expect(formatCell(undefined)).toBe('');
    expect(formatCell(Number.NaN, 'number')).toBe('');
  });

  it('leaves a text that is not a day alone in a date column', () => {
    expect(formatCell('tuần 49', 'date')).toBe('tuần 49');
  });
});

describe('quoteField', () => {
  it('leaves plain fields unquoted', () => {
    expect(quoteField('Viettel')).toBe('Viettel');
    expect(quoteField('1,5')).toBe('"1,5"');
  });
});

describe('csvFileName', () => {
  it('is plain ASCII', () => {
    expect(csvFileName('Tài khoản được tạo theo ngày', '2026-11-06', '2026-12-05')).toBe('tai-khoan-duoc-tao-theo-ngay_2026-11-06_2026-12-05.csv');
  });
});
