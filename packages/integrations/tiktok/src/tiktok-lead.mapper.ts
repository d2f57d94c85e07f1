import type { LeadAnswer, LeadDraft } from '@leadflow/contracts';
import { contactFromAnswers } from '@leadflow/domain';
import { optionalText, parsePlatformTime } from '@leadflow/integration-common';
import type { TikTokLead } from './tiktok-lead.client.js';
import type { TikTokLeadNotification } from './tiktok-webhook.js';

function answerValue(value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => String(v)).join(', ');
  return value === undefined || value === null ? '' : String(value);
}

/** Business API lead → lead draft. TikTok's "instant page" is the form; its ad group is our ad set. */
export function mapTikTokLead(lead: TikTokLead, notification: TikTokLeadNotification): LeadDraft {
  const answers: LeadAnswer[] = (lead.field_data ?? []).map((field) =>
    field.label ? { key: field.name, label: field.label, value: answerValue(field.value) } : { key: field.name, value: answerValue(field.value) },
  );
  return {
    platform: 'tiktok',
    platformLeadId: optionalText(lead.lead_id) ?? notification.leadId,
    contact: contactFromAnswers(answers),
    source: {
      campaignId: optionalText(lead.campaign_id) ?? notification.campaignId,
      campaignName: lead.campaign_name,
      adsetId: optionalText(lead.adgroup_id),
      adsetName: lead.adgroup_name,
      adId: optionalText(lead.ad_id) ?? notification.adId,
      adName: lead.ad_name,
      formId: optionalText(lead.form_id) ?? optionalText(lead.page_id) ?? notification.pageId,
      formName: lead.form_name ?? lead.page_name,
      advertiserId: optionalText(lead.advertiser_id) ?? notification.advertiserId,
    },
    answers,
    submittedAt: parsePlatformTime(lead.create_time) ?? parsePlatformTime(notification.createTime),
  };
}
