import { describe, expect, it } from '@jest/globals';
import { normalizeCountry } from './country.js';
import { normalizeEmail } from './email.js';
import { normalizePersonName } from './person-name.js';
import { cleanMultilineText, cleanText, toAsciiDigits } from './text.js';

describe('cleanText', () => {
  it('keeps letters of every script, composes to NFC and collapses whitespace', () => {
    const decomposed = 'Jose\u0301'; // J o s e + combining acute
    expect(cleanText(`  ${decomposed}\t Díaz \n`)).toBe('José Díaz');
    expect(cleanText(' عبد  الله ')).toBe('عبد الله');
    expect(cleanText('   ')).toBeUndefined();
  });

  it('drops control characters Postgres cannot store or nobody meant', () => {
    expect(cleanText('Sa\u0000ra\u0007')).toBe('Sara');
    expect(cleanMultilineText('line 1\nline\u0000 2\t!')).toBe('line 1\nline 2\t!');
  });

  it('turns Arabic-Indic and Persian digits into ASCII', () => {
    expect(toAsciiDigits('٠١٢٣٤٥٦٧٨٩ ۰۱۲۳۴۵۶۷۸۹')).toBe('0123456789 0123456789');
  });
});

describe('normalizeEmail', () => {
  it('trims and lower-cases', () => {
    expect(normalizeEmail('  Sara.AlHarbi@Example.COM ')).toBe('sara.alharbi@example.com');
  });

  it.each([['not-an-email'], ['a@b'], ['two words@example.com'], [''], [undefined]])('%p is not an email', (raw) => {
    expect(normalizeEmail(raw)).toBeUndefined();
  });
});

describe('normalizePersonName', () => {
  it('splits a full name at the first space, in any script', () => {
    expect(normalizePersonName({ fullName: 'محمد بن سلمان' })).toEqual({ fullName: 'محمد بن سلمان', firstName: 'محمد', lastName: 'بن سلمان' });
    expect(normalizePersonName({ fullName: 'Cher' })).toEqual({ fullName: 'Cher', firstName: 'Cher', lastName: undefined });
  });

  it('keeps given first and last names and builds the full name from them', () => {
    expect(normalizePersonName({ firstName: ' Sara ', lastName: 'Al-Harbi' })).toEqual({ fullName: 'Sara Al-Harbi', firstName: 'Sara', lastName: 'Al-Harbi' });
  });

  it('does not re-split when the platform gave first and last names too', () => {
    expect(normalizePersonName({ fullName: 'Ana María Díaz', firstName: 'Ana María', lastName: 'Díaz' })).toEqual({
      fullName: 'Ana María Díaz',
      firstName: 'Ana María',
      lastName: 'Díaz',
    });
  });

  it('gives an empty full name when the form asked for no name', () => {
    expect(normalizePersonName({})).toEqual({ fullName: '', firstName: undefined, lastName: undefined });
  });
});

describe('normalizeCountry', () => {
  it.each([
    ['sa', 'SA'],
    ['Saudi Arabia', 'SA'],
    ['saudi arabia', 'SA'],
    ['United Arab Emirates', 'AE'],
    ['مصر', 'EG'],
    ['Atlantis', 'Atlantis'],
  ])('%s → %s', (raw, code) => {
    expect(normalizeCountry(raw)).toBe(code);
  });
});
