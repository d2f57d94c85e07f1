const ARABIC_INDIC_DIGITS = /[\u0660-\u0669\u06F0-\u06F9]/g;

/** Arabic-Indic (٠١٢) and Persian (۰۱۲) digits to ASCII: people type phones in either. */
export function toAsciiDigits(value: string): string {
  return value.replace(ARABIC_INDIC_DIGITS, (d) => String((d.codePointAt(0)! - 0x0660) % 0x90));
}

// C0 control characters other than tab and line breaks: never meant, and Postgres refuses U+0000.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** NFC and without control characters; line breaks kept (free-text answers have them). */
export function cleanMultilineText(value: string): string {
  return value.normalize('NFC').replace(CONTROL_CHARACTERS, '');
}

/** NFC, trimmed, inner whitespace collapsed; undefined when nothing is left. Letters are never changed. */
export function cleanText(value: string | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  const cleaned = cleanMultilineText(String(value)).replace(/\s+/gu, ' ').trim();
  return cleaned === '' ? undefined : cleaned;
}
