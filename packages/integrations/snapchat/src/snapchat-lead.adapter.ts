import type { LeadDraft } from '@leadflow/contracts';
import type { PlatformLeadAdapter, StoredNotification } from '@leadflow/integration-common';
import { mapSnapchatLead } from './snapchat-lead.mapper.js';
import type { SnapchatLeadPayload } from './snapchat-webhook.js';

/** Snapchat's webhook carries the whole lead, and Snap offers no API to read it again. */
export class SnapchatLeadAdapter implements PlatformLeadAdapter {
  readonly platform = 'snapchat' as const;

  async toDraft(notification: StoredNotification): Promise<LeadDraft> {
    return mapSnapchatLead(notification.payload as SnapchatLeadPayload);
  }
}
