import type { LeadAnswer, LeadDraft } from '@leadflow/contracts';
import { contactFromAnswers } from '@leadflow/domain';
import { parsePlatformTime } from '@leadflow/integration-common';
import type { MetaGraphLead, MetaLeadForm } from './meta-graph.client.js';
import type { MetaLeadNotification } from './meta-webhook.js';

const CHANNELS: Record<string, 'facebook' | 'instagram'> = { fb: 'facebook', facebook: 'facebook', ig: 'instagram', instagram: 'instagram' };

/**
 * Graph lead (+ its form, when we could read it) → lead draft. Every `field_data` entry becomes an
 * answer under its question key (labels from the form); consent checkboxes are kept as answers too.
 */
export function mapMetaLead(lead: MetaGraphLead, notification: MetaLeadNotification, form?: MetaLeadForm): LeadDraft {
  const labels = new Map((form?.questions ?? []).map((q) => [q.key, q.label]));
  const answers: LeadAnswer[] = (lead.field_data ?? []).map((field) => {
    const label = labels.get(field.name);
    const value = (field.values ?? []).map((v) => String(v)).join(', ');
    return label ? { key: field.name, label, value } : { key: field.name, value };
  });
  for (const consent of lead.custom_disclaimer_responses ?? []) {
    if (!consent.checkbox_key) continue;
    const checked = consent.is_checked === true || consent.is_checked === '1' || consent.is_checked === 'true';
    answers.push({ key: `consent:${consent.checkbox_key}`, value: checked ? 'yes' : 'no' });
  }
  return {
    platform: 'meta',
    platformLeadId: lead.id ?? notification.leadgenId,
    // The form's locale says which language the person read it in, unless they said otherwise.
    contact: { language: form?.locale, ...contactFromAnswers(answers) },
    source: {
      campaignId: lead.campaign_id,
      campaignName: lead.campaign_name,
      adsetId: lead.adset_id ?? notification.adgroupId,
      adsetName: lead.adset_name,
      adId: lead.ad_id ?? notification.adId,
      adName: lead.ad_name,
      formId: lead.form_id ?? notification.formId,
      formName: form?.name,
      pageId: notification.pageId,
      channel: lead.platform ? CHANNELS[lead.platform.toLowerCase()] : undefined,
      isOrganic: lead.is_organic,
    },
    answers,
    submittedAt: parsePlatformTime(lead.created_time) ?? parsePlatformTime(notification.createdTime),
  };
}
