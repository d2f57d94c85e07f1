import { describe, expect, it } from '@jest/globals';
import { normalizePhone } from './phone.js';

describe('normalizePhone', () => {
  it.each([
    ['0501234567', 'SA', '+966501234567', 'SA'], // local Saudi mobile with trunk 0
    ['501234567', 'SA', '+966501234567', 'SA'], // without the trunk 0
    ['966501234567', 'SA', '+966501234567', 'SA'], // country code typed without +
    ['+966 50 123 4567', 'SA', '+966501234567', 'SA'],
    ['00966501234567', 'SA', '+966501234567', 'SA'], // international 00 prefix
    ['(050) 123-4567', 'SA', '+966501234567', 'SA'],
    ['٠٥٠١٢٣٤٥٦٧', 'SA', '+966501234567', 'SA'], // Arabic-Indic digits
    ['۰۵۰۱۲۳۴۵۶۷', 'SA', '+966501234567', 'SA'], // Persian digits
    ['+971 50 123 4567', 'SA', '+971501234567', 'AE'], // UAE number while the default region is SA
    ['971501234567', 'SA', '+971501234567', 'AE'], // …and without the +
    ['0501234567', 'AE', '+971501234567', 'AE'], // DEFAULT_PHONE_REGION decides local numbers
    ['+20 100 123 4567', 'SA', '+201001234567', 'EG'],
  ])('%s in %s → %s', (raw, region, e164, country) => {
    expect(normalizePhone(raw, region)).toEqual({ e164, country });
  });

  it.each([[''], ['12345'], ['not a phone'], ['+966 12'], [undefined], [null]])('%p is not a phone number', (raw) => {
    expect(normalizePhone(raw as string, 'SA')).toBeNull();
  });
});
