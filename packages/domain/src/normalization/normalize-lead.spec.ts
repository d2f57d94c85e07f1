import { describe, expect, it } from '@jest/globals';
import type { LeadDraft } from '@leadflow/contracts';
import { canonicalQuestionKey, contactFromAnswers } from './contact-fields.js';
import { normalizeLead } from './normalize-lead.js';

describe('contactFromAnswers', () => {
  it('reads contact fields from the keys platforms and hand-made forms use', () => {
    expect(
      contactFromAnswers([
        { key: 'Full Name', value: 'Sara' },
        { key: 'PHONE-NUMBER', value: '0551234567' },
        { key: 'email_address', value: 'sara@example.com' },
        { key: 'City', value: 'Riyadh' },
        { key: 'which_unit_type?', value: 'Villa' },
      ]),
    ).toEqual({ fullName: 'Sara', phone: '0551234567', email: 'sara@example.com', city: 'Riyadh' });
  });

  it('takes the first answer when two questions mean the same field', () => {
    expect(contactFromAnswers([{ key: 'phone_number', value: '0551234567' }, { key: 'whatsapp_number', value: '0560000000' }]).phone).toBe('0551234567');
  });

  it('canonicalizes keys', () => {
    expect(canonicalQuestionKey(' Phone Number ')).toBe('phone_number');
  });
});

describe('normalizeLead', () => {
  const draft: LeadDraft = {
    platform: 'snapchat',
    platformLeadId: 'abc',
    contact: { firstName: 'نورة', lastName: ' العتيبي ', phone: '٠٥٠٣٣٣٤٤٥٥', email: ' Noura@Example.SA', city: ' جدة ' },
    source: { campaignId: ' 42 ', campaignName: '', formId: 'f1' },
    answers: [
      { key: 'first_name', value: 'نورة' },
      { key: ' custom_field_1 ', value: ' Villa ' },
      { key: '', value: 'dropped: no key' },
    ],
    submittedAt: new Date('2026-01-01T10:00:00Z'),
  };

  it('normalizes every contact value and derives the country from the phone', () => {
    const lead = normalizeLead(draft, { defaultPhoneRegion: 'SA' });
    expect(lead.contact).toEqual({
      fullName: 'نورة العتيبي',
      firstName: 'نورة',
      lastName: 'العتيبي',
      phone: '+966503334455',
      email: 'noura@example.sa',
      city: 'جدة',
      region: undefined,
      country: 'SA',
      language: 'ar', // from the Arabic script of the name, as nothing else said
    });
    expect(lead.source).toEqual({ campaignId: '42', formId: 'f1' });
    expect(lead.answers).toEqual([
      { key: 'first_name', value: 'نورة' },
      { key: 'custom_field_1', value: 'Villa' },
    ]);
    expect(lead.submittedAt?.toISOString()).toBe('2026-01-01T10:00:00.000Z');
  });

  it('keeps the lead when the phone cannot be parsed (the raw answer stays in answers)', () => {
    const lead = normalizeLead({ ...draft, contact: { ...draft.contact, phone: '123' }, answers: [{ key: 'phone_number', value: '123' }] }, { defaultPhoneRegion: 'SA' });
    expect(lead.contact.phone).toBeUndefined();
    expect(lead.contact.country).toBeUndefined();
    expect(lead.answers).toEqual([{ key: 'phone_number', value: '123' }]);
  });

  it('takes the language the person gave, or the form locale, before guessing from the script', () => {
    const withAnswer = normalizeLead({ ...draft, contact: { ...draft.contact, language: 'English' } }, { defaultPhoneRegion: 'SA' });
    expect(withAnswer.contact.language).toBe('en');
    expect(normalizeLead({ ...draft, contact: { fullName: 'Sara', language: 'ar_AR' } }, { defaultPhoneRegion: 'SA' }).contact.language).toBe('ar');
    expect(normalizeLead({ ...draft, contact: { fullName: 'Sara' } }, { defaultPhoneRegion: 'SA' }).contact.language).toBeUndefined();
  });

  it('prefers the country the person chose over the phone prefix', () => {
    expect(normalizeLead({ ...draft, contact: { ...draft.contact, country: 'Egypt' } }, { defaultPhoneRegion: 'SA' }).contact.country).toBe('EG');
  });
});
