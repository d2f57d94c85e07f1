// Deliberately loose: one @, something on both sides, a dot in the domain, no spaces.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/u;

/** Trimmed and lower-cased; undefined when it is not an email address (the raw answer is kept elsewhere). */
export function normalizeEmail(raw: string | null | undefined): string | undefined {
  if (!raw) return undefined;
  const email = String(raw).normalize('NFC').trim().toLowerCase();
  return EMAIL.test(email) ? email : undefined;
}
