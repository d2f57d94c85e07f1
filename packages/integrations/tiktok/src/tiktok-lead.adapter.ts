import type { LeadDraft } from '@leadflow/contracts';
import type { PlatformLeadAdapter, StoredNotification } from '@leadflow/integration-common';
import type { TikTokLeadClient } from './tiktok-lead.client.js';
import { mapTikTokLead } from './tiktok-lead.mapper.js';
import type { TikTokLeadNotification } from './tiktok-webhook.js';

/** The notification is unsigned and carries ids only: the lead is always re-read from TikTok. */
export class TikTokLeadAdapter implements PlatformLeadAdapter {
  readonly platform = 'tiktok' as const;

  constructor(private readonly client: TikTokLeadClient) {}

  async toDraft(notification: StoredNotification): Promise<LeadDraft> {
    const ids = notification.payload as TikTokLeadNotification;
    return mapTikTokLead(await this.client.getLead(ids.advertiserId, ids.leadId), ids);
  }
}
