import type { LeadDraft } from '@leadflow/contracts';
import type { PlatformLeadAdapter, StoredNotification } from '@leadflow/integration-common';
import type { MetaGraphClient } from '@leadflow/integration-meta';
import { whatsappLeadDraft, type ReferredAd } from './whatsapp-lead.mapper.js';
import type { InboundMessage } from './whatsapp-webhook.js';

/**
 * A WhatsApp message as a lead draft. A click-to-WhatsApp referral names the ad; its ad set and
 * campaign come from the Graph API (without them the lead keeps the ad id, never held back).
 */
export class WhatsAppLeadAdapter implements PlatformLeadAdapter {
  readonly platform = 'whatsapp' as const;

  constructor(private readonly graph: MetaGraphClient) {}

  async toDraft(notification: StoredNotification): Promise<LeadDraft> {
    const message = notification.payload as InboundMessage;
    const referral = message.referral;
    let ad: ReferredAd | undefined;
    if (referral?.sourceType === 'ad' && referral.sourceId) {
      const found = await this.graph.getAd(referral.sourceId).catch(() => undefined);
      if (found) ad = { adId: found.id, adName: found.name, adsetId: found.adset_id ?? found.adset?.id, adsetName: found.adset?.name, campaignId: found.campaign_id ?? found.campaign?.id, campaignName: found.campaign?.name };
    }
    return whatsappLeadDraft(message, ad);
  }
}
