import type { LeadDraft, Platform } from '@leadflow/contracts';

/** A stored lead notification, as the worker hands it to the platform's adapter. */
export interface StoredNotification {
  externalId: string;
  payload: unknown;
  receivedAt: Date;
}

/**
 * Turns one stored notification into a lead draft: Meta and TikTok fetch the lead from their API
 * (the webhook carries only ids), Snapchat's webhook already carries the whole lead.
 */
export interface PlatformLeadAdapter {
  readonly platform: Platform;
  toDraft(notification: StoredNotification): Promise<LeadDraft>;
}
