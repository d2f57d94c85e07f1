import { describe, expect, it } from '@jest/globals';
import { InvalidPayloadError } from '@leadflow/integration-common';
import { parseTikTokDelivery, tiktokExternalId } from './tiktok-webhook.js';

describe('parseTikTokDelivery', () => {
  const one = { lead_id: '7380', advertiser_id: '7001', page_id: '7379', campaign_id: '1790', ad_id: '1799', create_time: '1717000000' };
  const parsed = { leadId: '7380', advertiserId: '7001', pageId: '7379', campaignId: '1790', adId: '1799', createTime: '1717000000' };

  it('accepts one flat notification, an array, or a leads/data wrapper', () => {
    expect(parseTikTokDelivery(one)).toEqual([parsed]);
    expect(parseTikTokDelivery([one, { ...one, lead_id: 7381 }])).toEqual([parsed, { ...parsed, leadId: '7381' }]);
    expect(parseTikTokDelivery({ leads: [one] })).toEqual([parsed]);
    expect(parseTikTokDelivery({ advertiser_id: '7001', data: { ...one, advertiser_id: undefined } })).toEqual([parsed]);
  });

  it('keys leads by advertiser and lead id (lead ids are unique per advertiser only)', () => {
    expect(tiktokExternalId(parsed)).toBe('7001:7380');
  });

  it.each([
    ['a string', 'body must be a JSON object or array'],
    [[], 'no lead notification in body'],
    [{ advertiser_id: '1' }, 'lead_id must be a non-empty string or integer id'],
    [{ lead_id: '1' }, 'advertiser_id must be a non-empty string or integer id'],
    [{ leads: [{ lead_id: '1' }] }, 'leads[0].advertiser_id must be a non-empty string or integer id'],
  ])('refuses %j', (body, message) => {
    expect(() => parseTikTokDelivery(body)).toThrow(new InvalidPayloadError(message));
  });
});
