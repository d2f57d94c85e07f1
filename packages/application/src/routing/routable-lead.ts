import type { LeadAnswer } from '@leadflow/contracts';
import type { Lead as LeadRow } from '@leadflow/db';
import type { NormalizedLead, RoutableLead, RuleSubject } from '@leadflow/domain';

/** A stored lead as rules read it. */
export function ruleSubjectOf(lead: LeadRow): RuleSubject['lead'] {
  return {
    platform: lead.platform,
    status: lead.status,
    source: {
      campaignId: lead.campaignId ?? undefined,
      campaignName: lead.campaignName ?? undefined,
      adsetId: lead.adsetId ?? undefined,
      adsetName: lead.adsetName ?? undefined,
      adId: lead.adId ?? undefined,
      adName: lead.adName ?? undefined,
      formId: lead.formId ?? undefined,
      formName: lead.formName ?? undefined,
    },
    contact: { city: lead.city ?? undefined, region: lead.region ?? undefined, country: lead.country ?? undefined, language: lead.language ?? undefined },
    answers: lead.answers as unknown as LeadAnswer[],
  };
}

export function routableLeadOf(lead: LeadRow): RoutableLead {
  const subject = ruleSubjectOf(lead);
  return { subject, preferences: { language: subject.contact.language, answerValues: subject.answers.map((a) => a.value) } };
}

/** A lead that is not stored (routing simulation) as rules read it. */
export function routableLeadOfNormalized(lead: NormalizedLead): RoutableLead {
  const { city, region, country, language } = lead.contact;
  const subject = { platform: lead.platform, status: 'new', source: lead.source, contact: { city, region, country, language }, answers: lead.answers };
  return { subject, preferences: { language, answerValues: lead.answers.map((a) => a.value) } };
}
