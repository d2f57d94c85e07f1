import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { IntegrationError } from '@leadflow/integration-common';
import { PlatformSimulator } from '@leadflow/simulators';
import { TikTokLeadClient } from './tiktok-lead.client.js';
import { mapTikTokLead } from './tiktok-lead.mapper.js';

const simulator = new PlatformSimulator({ metaAccessToken: 'unused', tiktokAccessToken: 'tt-token' });
let client: TikTokLeadClient;

beforeAll(async () => {
  client = new TikTokLeadClient({ baseUrl: await simulator.start(), accessToken: 'tt-token', timeoutMs: 1000 });
  simulator.addTikTokLead('7001', {
    lead_id: '7380',
    create_time: '1717000000',
    page_id: '7379',
    page_name: 'Instant form',
    campaign_id: '1790',
    campaign_name: 'Campaign',
    adgroup_id: '1791',
    adgroup_name: 'Group',
    ad_id: '1799',
    ad_name: 'Ad',
    field_data: [
      { name: 'name', label: 'Name', value: 'Khalid Al Shamsi' },
      { name: 'phone_number', value: '971551112233' },
      { name: 'interests', value: ['Villa', 'Land'] },
    ],
  });
});
afterAll(() => simulator.stop());

async function failure(promise: Promise<unknown>): Promise<IntegrationError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(IntegrationError);
  return error as IntegrationError;
}

describe('TikTokLeadClient', () => {
  it('reads a lead from /open_api/v1.3/lead/get/ and maps it', async () => {
    const lead = await client.getLead('7001', '7380');
    expect(mapTikTokLead(lead, { leadId: '7380', advertiserId: '7001' })).toEqual({
      platform: 'tiktok',
      platformLeadId: '7380',
      contact: { fullName: 'Khalid Al Shamsi', phone: '971551112233' },
      source: {
        campaignId: '1790',
        campaignName: 'Campaign',
        adsetId: '1791',
        adsetName: 'Group',
        adId: '1799',
        adName: 'Ad',
        formId: '7379',
        formName: 'Instant form',
        advertiserId: '7001',
      },
      answers: [
        { key: 'name', label: 'Name', value: 'Khalid Al Shamsi' },
        { key: 'phone_number', value: '971551112233' },
        { key: 'interests', value: 'Villa, Land' },
      ],
      submittedAt: new Date(1717000000 * 1000),
    });
  });

  it('treats a non-zero envelope code as a failure although HTTP says 200', async () => {
    simulator.failNext('tiktok', 'auth', 1);
    const auth = await failure(client.getLead('7001', '7380'));
    expect(auth.code).toBe('AUTH');
    expect(auth.details).toMatchObject({ code: 40105 });
    simulator.failNext('tiktok', 'rate-limit', 1);
    expect((await failure(client.getLead('7001', '7380'))).code).toBe('RATE_LIMITED');
    simulator.failNext('tiktok', 'server-error', 1);
    expect((await failure(client.getLead('7001', '7380'))).code).toBe('TEMPORARY');
    expect((await failure(client.getLead('7001', 'missing'))).retryable).toBe(false);
    const wrongToken = new TikTokLeadClient({ baseUrl: simulator.url, accessToken: 'revoked', timeoutMs: 1000 });
    expect((await failure(wrongToken.getLead('7001', '7380'))).code).toBe('AUTH');
  });
});
