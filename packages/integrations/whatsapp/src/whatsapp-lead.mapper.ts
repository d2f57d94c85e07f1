import type { LeadDraft, LeadSource } from '@leadflow/contracts';
import type { InboundMessage } from './whatsapp-webhook.js';

/** Words that mean "stop messaging me" (the whole message, any case, in English or Arabic). */
export const OPT_OUT_WORDS = ['stop', 'unsubscribe', 'cancel', 'end', 'quit', 'opt out', 'optout', 'إيقاف', 'ايقاف', 'توقف', 'الغاء', 'إلغاء', 'الغاء الاشتراك', 'إلغاء الاشتراك'];

export function isOptOut(text: string | undefined): boolean {
  if (!text) return false;
  const word = text.normalize('NFC').trim().replace(/[.!؟?\s]+$/u, '').toLocaleLowerCase();
  return OPT_OUT_WORDS.includes(word);
}

/** What a message shows on the timeline: its text, or its kind (`[image]`, `[location] Riyadh Park`). */
export function messageSummary(message: InboundMessage): string {
  if (message.text) return message.text;
  if (message.location) return `[location] ${message.location.name ?? `${message.location.latitude},${message.location.longitude}`}`;
  return `[${message.type}]${message.media?.filename ? ` ${message.media.filename}` : ''}`;
}

/** The ad a click-to-WhatsApp referral points at, as the Graph API describes it. */
export interface ReferredAd {
  adId: string;
  adName?: string;
  adsetId?: string;
  adsetName?: string;
  campaignId?: string;
  campaignName?: string;
}

/**
 * The first message of a conversation with an unknown number as a lead: the sender's profile name
 * and number, their first words as an answer, and — for a click-to-WhatsApp ad — the ad, ad set and
 * campaign it came from (the referral names the ad; the Graph API names the rest).
 */
export function whatsappLeadDraft(message: InboundMessage, ad?: ReferredAd): LeadDraft {
  const referral = message.referral;
  const source: LeadSource = {};
  if (referral?.sourceType === 'ad' || ad) Object.assign(source, { adId: ad?.adId ?? referral?.sourceId, adName: ad?.adName, adsetId: ad?.adsetId, adsetName: ad?.adsetName, campaignId: ad?.campaignId, campaignName: ad?.campaignName });
  const answers = [
    { key: 'first_message', label: 'First message', value: messageSummary(message) },
    ...(referral?.headline ? [{ key: 'ad_headline', label: 'Ad headline', value: referral.headline }] : []),
    ...(referral?.sourceUrl ? [{ key: 'ad_url', label: 'Ad link', value: referral.sourceUrl }] : []),
    ...(referral?.ctwaClid ? [{ key: 'ctwa_clid', label: 'Click id', value: referral.ctwaClid }] : []),
  ];
  return {
    platform: 'whatsapp',
    platformLeadId: message.wamid,
    contact: { fullName: message.profileName, phone: `+${message.from.replace(/\D/g, '')}` },
    source,
    answers,
    submittedAt: message.timestamp ? new Date(message.timestamp * 1000) : undefined,
  };
}
