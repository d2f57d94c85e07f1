import { getCountries } from 'libphonenumber-js/core';
import { PHONE_METADATA } from './phone-metadata.js';
import { cleanText } from './text.js';

let namesToCodes: Map<string, string> | undefined;

// Forms ask "Country" as free text or a list; map English and Arabic country names to ISO codes
// with the runtime's own CLDR data instead of a hand-kept table.
function countryNameIndex(): Map<string, string> {
  if (namesToCodes) return namesToCodes;
  namesToCodes = new Map();
  for (const locale of ['en', 'ar']) {
    const names = new Intl.DisplayNames([locale], { type: 'region' });
    for (const code of getCountries(PHONE_METADATA)) {
      const name = names.of(code);
      if (name && name !== code) namesToCodes.set(name.toLocaleLowerCase(locale), code);
    }
  }
  return namesToCodes;
}

/** ISO 3166-1 alpha-2 for a code or a country name; the cleaned input when it is neither. */
export function normalizeCountry(raw: string | null | undefined): string | undefined {
  const text = cleanText(raw);
  if (!text) return undefined;
  if (/^[a-z]{2}$/i.test(text)) return text.toUpperCase();
  return countryNameIndex().get(text.toLocaleLowerCase()) ?? text;
}
