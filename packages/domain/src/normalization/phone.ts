import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/core';
import { PHONE_METADATA } from './phone-metadata.js';
import { toAsciiDigits } from './text.js';

export interface NormalizedPhone {
  /** `+966501234567` */
  e164: string;
  /** ISO country of the number's calling code, when it maps to one. */
  country?: string;
}

/**
 * Any way a person types a phone number, to E.164. Numbers without a country code are read in
 * `defaultRegion` (`0501234567` in SA → +966501234567). A number typed with its country code but
 * without `+`/`00` (`971501234567`) is not valid there, so it is retried as international.
 * Returns null when neither reading is a valid number; callers keep the raw answer.
 */
export function normalizePhone(raw: string | null | undefined, defaultRegion: string): NormalizedPhone | null {
  if (!raw) return null;
  const typed = toAsciiDigits(String(raw)).trim();
  if (!/\d/.test(typed)) return null;
  const international = typed.replace(/^\s*00/, '+');
  const region = defaultRegion.toUpperCase() as CountryCode;
  const candidates = international.startsWith('+') ? [international] : [international, `+${international.replace(/\D/g, '')}`];
  for (const candidate of candidates) {
    const parsed = parsePhoneNumberFromString(candidate, region, PHONE_METADATA);
    if (parsed?.isValid()) return { e164: parsed.number, country: parsed.country };
  }
  return null;
}
