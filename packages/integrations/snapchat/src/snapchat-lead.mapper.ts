import type { LeadAnswer, LeadDraft } from '@leadflow/contracts';
import { contactFromAnswers } from '@leadflow/domain';
import { optionalText, parsePlatformTime } from '@leadflow/integration-common';
import type { SnapchatLeadPayload } from './snapchat-webhook.js';

// Everything in the payload that describes the ad rather than the person's answers.
const METADATA_KEYS = new Set([
  'lead_id',
  'create_time',
  'form_id',
  'form_name',
  'ad_account_id',
  'campaign_id',
  'campaign_name',
  'ad_squad_id',
  'ad_squad_name',
  'ad_id',
  'ad_name',
]);

function answerValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Flat Snapchat lead → lead draft: every non-metadata field is an answer (custom_field_1..8, consents…). */
export function mapSnapchatLead(payload: SnapchatLeadPayload): LeadDraft {
  const answers: LeadAnswer[] = Object.entries(payload)
    .filter(([key, value]) => !METADATA_KEYS.has(key) && value !== null && value !== undefined && value !== '')
    .map(([key, value]) => ({ key, value: answerValue(value) }));
  return {
    platform: 'snapchat',
    platformLeadId: payload.lead_id,
    contact: contactFromAnswers(answers),
    source: {
      campaignId: optionalText(payload.campaign_id),
      campaignName: optionalText(payload.campaign_name),
      adsetId: optionalText(payload.ad_squad_id),
      adsetName: optionalText(payload.ad_squad_name),
      adId: optionalText(payload.ad_id),
      adName: optionalText(payload.ad_name),
      formId: optionalText(payload.form_id),
      formName: optionalText(payload.form_name),
      advertiserId: optionalText(payload.ad_account_id),
    },
    answers,
    submittedAt: parsePlatformTime(payload.create_time),
  };
}
