import type { ContactDetails, LeadDraft, LeadSource } from '@leadflow/contracts';
import { normalizeCountry } from './country.js';
import { normalizeEmail } from './email.js';
import { languageFromScript, normalizeLanguage } from './language.js';
import { normalizePersonName } from './person-name.js';
import { normalizePhone } from './phone.js';
import { cleanMultilineText, cleanText } from './text.js';

export interface NormalizeOptions {
  /** ISO country for phone numbers typed without a country code (`DEFAULT_PHONE_REGION`). */
  defaultPhoneRegion: string;
}

/** A lead ready to store: every contact value normalized, the source and answers cleaned. */
export type NormalizedLead = Omit<LeadDraft, 'contact'> & { contact: ContactDetails };

function cleanSource(source: LeadSource): LeadSource {
  const cleaned: LeadSource = {};
  for (const [key, value] of Object.entries(source) as [keyof LeadSource, LeadSource[keyof LeadSource]][]) {
    if (typeof value === 'string') {
      const text = cleanText(value);
      if (text !== undefined) (cleaned as Record<string, unknown>)[key] = text;
    } else if (value !== undefined && value !== null) {
      (cleaned as Record<string, unknown>)[key] = value;
    }
  }
  return cleaned;
}

export function normalizeLead(draft: LeadDraft, options: NormalizeOptions): NormalizedLead {
  const name = normalizePersonName(draft.contact);
  const phone = normalizePhone(draft.contact.phone, options.defaultPhoneRegion);
  const answers = draft.answers
    .map((a) => ({ key: cleanMultilineText(a.key).trim(), label: cleanText(a.label), value: cleanMultilineText(String(a.value ?? '')).trim() }))
    .filter((a) => a.key !== '')
    .map(({ label, ...rest }) => (label ? { ...rest, label } : rest));
  return {
    platform: draft.platform,
    platformLeadId: draft.platformLeadId,
    contact: {
      ...name,
      phone: phone?.e164,
      email: normalizeEmail(draft.contact.email),
      city: cleanText(draft.contact.city),
      region: cleanText(draft.contact.region),
      country: normalizeCountry(draft.contact.country) ?? phone?.country,
      language: normalizeLanguage(draft.contact.language) ?? languageFromScript(name.fullName),
    },
    source: cleanSource(draft.source),
    answers,
    submittedAt: draft.submittedAt && !Number.isNaN(draft.submittedAt.getTime()) ? draft.submittedAt : undefined,
  };
}
