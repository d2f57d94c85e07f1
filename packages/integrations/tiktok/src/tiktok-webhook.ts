import { InvalidPayloadError, idString, isObject, requireId, type JsonObject } from '@leadflow/integration-common';

/** What we keep of a TikTok lead notification: enough to fetch the lead from the Business API. */
export interface TikTokLeadNotification {
  leadId: string;
  advertiserId: string;
  pageId?: string;
  campaignId?: string;
  adId?: string;
  createTime?: string;
}

/** Our idempotency key for a TikTok lead: lead ids are only unique within an advertiser. */
export function tiktokExternalId(n: Pick<TikTokLeadNotification, 'advertiserId' | 'leadId'>): string {
  return `${n.advertiserId}:${n.leadId}`;
}

// TikTok does not document the lead webhook body; integrations seen in the wild receive one flat
// object, an array, or a wrapper with `leads`/`data`. Accept each and require the two ids we need.
function items(body: unknown): { item: unknown; path: string }[] {
  if (Array.isArray(body)) return body.map((item, i) => ({ item, path: `[${i}]` }));
  if (!isObject(body)) throw new InvalidPayloadError('body must be a JSON object or array');
  for (const key of ['leads', 'data'] as const) {
    const inner = body[key];
    if (Array.isArray(inner)) return inner.map((item, i) => ({ item, path: `${key}[${i}]` }));
    if (isObject(inner) && inner.lead_id !== undefined) return [{ item: { ...inner, advertiser_id: inner.advertiser_id ?? body.advertiser_id }, path: key }];
  }
  return [{ item: body, path: '' }];
}

export function parseTikTokDelivery(body: unknown): TikTokLeadNotification[] {
  const found = items(body);
  if (found.length === 0) throw new InvalidPayloadError('no lead notification in body');
  return found.map(({ item, path }) => {
    const at = (field: string) => (path ? `${path}.${field}` : field);
    if (!isObject(item)) throw new InvalidPayloadError(`${path || 'body'} must be an object`);
    const lead = item as JsonObject;
    return {
      leadId: requireId(lead.lead_id, at('lead_id')),
      advertiserId: requireId(lead.advertiser_id, at('advertiser_id')),
      pageId: idString(lead.page_id),
      campaignId: idString(lead.campaign_id),
      adId: idString(lead.ad_id),
      createTime: idString(lead.create_time) ?? (typeof lead.create_time === 'string' ? lead.create_time : undefined),
    };
  });
}
