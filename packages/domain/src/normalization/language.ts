import { cleanText } from './text.js';

const NAMES: Record<string, string> = {
  arabic: 'ar',
  'العربية': 'ar',
  'عربي': 'ar',
  english: 'en',
  'الإنجليزية': 'en',
  'انجليزي': 'en',
  french: 'fr',
  urdu: 'ur',
  hindi: 'hi',
};
const ARABIC_SCRIPT = /[\u0600-\u06FF\u0750-\u077F]/u;

/** `Arabic`, `ar`, `ar_AR`, `en-GB` → ISO 639-1; undefined when it is none of these. */
export function normalizeLanguage(raw: string | undefined): string | undefined {
  const text = cleanText(raw)?.toLocaleLowerCase();
  if (!text) return undefined;
  if (NAMES[text]) return NAMES[text];
  const code = /^([a-z]{2})(?:[_-][a-z]{2,4})?$/i.exec(text);
  return code ? code[1] : undefined;
}

/** Last resort: a name written in Arabic script is an Arabic speaker's lead. */
export function languageFromScript(name: string): string | undefined {
  return ARABIC_SCRIPT.test(name) ? 'ar' : undefined;
}
