import type { LeadAnswer, LeadDraft } from '@leadflow/contracts';

type ContactField = keyof LeadDraft['contact'];

// Question keys that mean a contact field, across platforms and hand-made forms
// (Meta standard keys, TikTok and Snapchat field names, common custom spellings).
const KEY_ALIASES: Record<ContactField, string[]> = {
  fullName: ['full_name', 'fullname', 'name', 'your_name'],
  firstName: ['first_name', 'firstname', 'given_name'],
  lastName: ['last_name', 'lastname', 'family_name', 'surname'],
  phone: ['phone_number', 'phone', 'mobile', 'mobile_number', 'mobile_phone', 'whatsapp_number', 'telephone'],
  email: ['email', 'email_address', 'e_mail', 'work_email'],
  city: ['city', 'town'],
  region: ['region', 'state', 'province', 'emirate'],
  country: ['country', 'country_code'],
  language: ['language', 'preferred_language'],
};

const FIELD_BY_KEY = new Map<string, ContactField>(
  Object.entries(KEY_ALIASES).flatMap(([field, keys]) => keys.map((key) => [key, field as ContactField] as const)),
);

/** `Phone Number`, `phone-number`, `PHONE_NUMBER` → `phone_number`. */
export function canonicalQuestionKey(key: string): string {
  return key.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

/** Picks the contact fields out of a form's answers; the answers themselves are all kept as they are. */
export function contactFromAnswers(answers: LeadAnswer[]): LeadDraft['contact'] {
  const contact: LeadDraft['contact'] = {};
  for (const answer of answers) {
    const field = FIELD_BY_KEY.get(canonicalQuestionKey(answer.key));
    if (field && contact[field] === undefined && answer.value !== '') contact[field] = answer.value;
  }
  return contact;
}
