import { describe, expect, it } from 'vitest';
import { checkEmail, checkIdMatchesBirthYear, checkIdNumber, checkNewPassword, checkPhone, checkScanFile, checkScanKind, fileKind, nationalPhone } from './validate';

describe('checkIdNumber', () => {
  it.each([
    ['001090012345', false, null],
    ['001 090 012 345', false, null],
    ['001.090.012.345', true, null],
    ['123456789', false, null],
    ['123456789', true, 'validate.idNumber.cmndNotForNew'],
    ['', false, 'validate.idNumber.required'],
    ['00109001234a', false, 'validate.idNumber.digits'],
    ['００１０９００１２３４５', false, 'validate.idNumber.digits'],
    ['0010900123', false, 'validate.idNumber.length'],
    ['00109001234', true, 'validate.idNumber.length'],
  ])('%s (new account: %s) → %s', (input, forNew, want) => {
    expect(checkIdNumber(input, forNew)?.key ?? null).toBe(want);
  });
});

describe('checkIdMatchesBirthYear', () => {
  it.each([
    ['001090012345', '1990-05-01', null], // 0 = 1900s male, 90
    ['001190012345', '1990-05-01', null], // 1 = 1900s female
    ['001205012345', '2005-01-31', null], // 2 = 2000s
    ['001090012345', '1991-05-01', 'validate.idNumber.birthYear'],
    ['001290012345', '1990-05-01', 'validate.idNumber.birthYear'], // 2 means 2000s
    ['123456789', '1990-05-01', null], // CMND: nothing to compare
  ])('%s born %s → %s', (id, dob, want) => {
    expect(checkIdMatchesBirthYear(id, dob)?.key ?? null).toBe(want);
  });

  it('names the digits that disagree', () => {
    expect(checkIdMatchesBirthYear('001090012345', '1991-05-01')?.vars).toEqual({ digits: '090', year: 1991 });
  });
});

describe('phones', () => {
  it.each([
    ['0912 345 678', '0912345678'],
    ['0912.345.678', '0912345678'],
    ['84912345678', '0912345678'],
    ['+84912345678', '0912345678'],
    ['0084912345678', '0912345678'],
  ])('%s → %s', (input, want) => {
    expect(nationalPhone(input)).toBe(want);
    expect(checkPhone(input)).toBeNull();
  });

  it.each([
    ['', 'validate.phone.required'],
    ['09123a5678', 'validate.phone.digits'],
    ['091234567', 'validate.phone.length'],
    ['02438123456', 'validate.phone.length'],
    ['0243812345', 'validate.phone.notMobile'],
    ['01623456789', 'validate.phone.oldPrefix'],
  ])('%s → %s', (input, want) => {
    expect(checkPhone(input)?.key).toBe(want);
  });

  it('hints the new prefix for an old 11-digit number', () => {
    expect(checkPhone('0169 123 4567')?.vars).toEqual({ old: '0169', new: '039' });
    expect(checkPhone('01201234567')?.vars).toEqual({ old: '0120', new: '070' });
  });
});

describe('checkScanFile', () => {
  it.each([
    [{ name: 'cccd.pdf', size: 1000 }, null],
    [{ name: 'CCCD.PDF', size: 5_242_880 }, null],
    [{ name: 'scan.docx', size: 10 }, null],
    [{ name: 'scan.doc', size: 10 }, null],
    [{ name: 'scan.pdf', size: 5_242_881 }, 'validate.scan.size'],
    [{ name: 'scan.pdf', size: 0 }, 'validate.scan.empty'],
  ])('%o → %s', (file, want) => {
    expect(checkScanFile(file)?.key ?? null).toBe(want);
  });
});

describe('fileKind', () => {
  const bytes = (...b: number[]) => new Uint8Array(b);
  const text = (s: string) => new TextEncoder().encode(s);
  it.each([
    ['a PDF', text('%PDF-1.4\n1 0 obj'), 'pdf'],
    ['a DOC', bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0), 'word'],
    ['a DOCX', bytes(0x50, 0x4b, 0x03, 0x04, 0x14, 0), 'word'],
    ['a JPEG', bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10), 'image'],
    ['a PNG', bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), 'image'],
    ['Vietnamese text', text('Nguyễn Văn A, số định danh cá nhân 001099012345\r\n'), 'text'],
    ['text ending in a Vietnamese letter', text('bản quét'), 'text'],
    ['text cut inside a letter', text('quét').slice(0, 4), 'text'],
    ['a Windows program', bytes(0x4d, 0x5a, 0x90, 0, 3, 0), 'program'],
    ['a RAR archive', text('Rar!\x1a\x07\x00'), 'archive'],
    ['binary noise', bytes(0, 1, 2, 3, 0xfe, 0xff, 0x10, 0x80, 0x81, 0x82), 'unknown'],
    ['nothing', bytes(), 'unknown'],
  ] as const)('%s', (_, head, want) => {
    expect(fileKind(head)).toBe(want);
  });

  it('refuses anything but PDF and Word, naming the kind', () => {
    expect(checkScanKind('pdf')).toBeNull();
    expect(checkScanKind('word')).toBeNull();
    expect(checkScanKind('text')).toEqual({ key: 'validate.scan.kind', vars: { kind: 'text' } });
  });
});

describe('others', () => {
  it('checks e-mail loosely and allows none', () => {
    expect(checkEmail('')).toBeNull();
    expect(checkEmail('a@b.vn')).toBeNull();
    expect(checkEmail('a@b')?.key).toBe('validate.email');
  });

  it('counts password length in characters, not bytes', () => {
    expect(checkNewPassword('Đặng Thị')?.key).toBeUndefined(); // 8 characters, more bytes
    expect(checkNewPassword('1234567')?.key).toBe('validate.password.short');
    expect(checkNewPassword('x'.repeat(129))?.key).toBe('validate.password.long');
  });
});
