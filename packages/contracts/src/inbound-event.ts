import type { Platform } from './platform.js';

/** What became of a stored webhook notification. */
export const INBOUND_EVENT_STATUSES = ['received', 'processed', 'dead_lettered'] as const;
export type InboundEventStatus = (typeof INBOUND_EVENT_STATUSES)[number];

/** A lead notification as stored before the platform got its 200. */
export interface InboundEvent {
  id: string;
  platform: Platform;
  /** The platform's lead id (TikTok: `<advertiser_id>:<lead_id>`). Unique per platform. */
  externalId: string;
  status: InboundEventStatus;
  /** Processing attempts so far (fetches from the platform, normalization). */
  attempts: number;
  replayCount: number;
  /** Why the last attempt failed; set when dead-lettered. */
  lastError?: string;
  leadId?: string;
  receivedAt: string;
  processedAt?: string;
}

/** Answer of the webhook endpoints. */
export interface WebhookAck {
  /** Lead notifications stored for the first time by this delivery. */
  accepted: number;
  /** Lead notifications we already had (platform redeliveries). */
  duplicates: number;
}

export interface InboundEventPage {
  data: InboundEvent[];
  nextCursor: string | null;
}

/** GET /crm/inbound-events */
export interface ListInboundEventsQuery {
  cursor?: string;
  limit?: number;
  status?: InboundEventStatus;
  platform?: Platform;
}
