import { cleanText } from './text.js';

export interface PersonName {
  fullName: string;
  firstName?: string;
  lastName?: string;
}

/**
 * Names are kept exactly as written (NFC, whitespace collapsed), in any script. When only a full
 * name is given it is split at the first space: "محمد بن سلمان" → first "محمد", last "بن سلمان".
 * When only first/last are given, the full name is built from them.
 */
export function normalizePersonName(input: { fullName?: string; firstName?: string; lastName?: string }): PersonName {
  const full = cleanText(input.fullName);
  let first = cleanText(input.firstName);
  let last = cleanText(input.lastName);
  if (full && !first && !last) {
    const space = full.indexOf(' ');
    first = space === -1 ? full : full.slice(0, space);
    last = space === -1 ? undefined : full.slice(space + 1);
  }
  const fullName = full ?? [first, last].filter(Boolean).join(' ');
  return { fullName, firstName: first, lastName: last };
}
