import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { MetaConversionEvent } from '@leadflow/domain';
import { IntegrationError } from '@leadflow/integration-common';
import { MetaConversionsSimulator, PlatformSimulator } from '@leadflow/simulators';
import { MetaConversionsClient, conversionsRequestBody } from './meta-conversions.client.js';

// The real client over real HTTP against the Conversions API simulator.
const capi = new MetaConversionsSimulator({ datasetId: '7100000000000001', accessToken: 'capi-token' });
const simulator = new PlatformSimulator({ metaAccessToken: 'page-token', tiktokAccessToken: 'unused', extensions: [capi] });
let baseUrl: string;
const client = (over: Partial<ConstructorParameters<typeof MetaConversionsClient>[0]> = {}) =>
  new MetaConversionsClient({ baseUrl, version: 'v21.0', datasetId: '7100000000000001', accessToken: 'capi-token', timeoutMs: 1_000, ...over });

// Past 2^53: a JS number would turn it into 9007199254740993 → …992.
const BIG_ID = '9007199254740993';
const stage = (leadId: string, eventName = 'Qualified'): MetaConversionEvent => ({
  event_name: eventName,
  event_time: Math.floor(Date.now() / 1000) - 60,
  action_source: 'system_generated',
  event_id: `${leadId}:${eventName}`,
  user_data: { lead_id: leadId },
  custom_data: { event_source: 'crm', lead_event_source: 'LeadFlow' },
});

beforeAll(async () => {
  baseUrl = await simulator.start();
});
afterAll(() => simulator.stop());
beforeEach(() => simulator.reset());

async function failure(promise: Promise<unknown>): Promise<IntegrationError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(IntegrationError);
  return error as IntegrationError;
}

describe('MetaConversionsClient', () => {
  it('writes each leadgen id as the JSON number it is, every digit kept', () => {
    const body = conversionsRequestBody([stage(BIG_ID)], 'TEST123');
    expect(body).toContain(`"user_data":{"lead_id":${BIG_ID}}`);
    expect(JSON.parse(body)).toMatchObject({ test_event_code: 'TEST123', data: [{ action_source: 'system_generated', custom_data: { event_source: 'crm' } }] });
  });

  it('sends a batch of stages that Meta accepts, with the test code when set', async () => {
    expect(await client({ testEventCode: 'TEST123' }).send([stage(BIG_ID, 'Lead'), stage('1234567890123456')])).toMatchObject({ eventsReceived: 2 });
    expect(capi.received).toEqual([
      expect.objectContaining({ datasetId: '7100000000000001', testEventCode: 'TEST123', eventName: 'Lead', leadId: BIG_ID, leadEventSource: 'LeadFlow' }),
      expect.objectContaining({ eventName: 'Qualified', leadId: '1234567890123456' }),
    ]);
  });

  it('is counted once when sent again (a request whose answer was lost)', async () => {
    await client().send([stage(BIG_ID, 'Lead')]);
    expect(await client().send([stage(BIG_ID, 'Lead'), stage(BIG_ID, 'Contacted')])).toMatchObject({ eventsReceived: 2 });
    expect(capi.received.map((e) => e.eventName)).toEqual(['Lead', 'Contacted']);
  });

  it("classifies Meta's refusals for the retry policy, naming the bad event", async () => {
    capi.rejectLeadId(BIG_ID);
    const invalid = await failure(client().send([stage('1234567890123456'), stage(BIG_ID)]));
    expect(invalid).toMatchObject({ code: 'INVALID', retryable: false });
    expect(invalid.message).toBe(`meta-conversions INVALID: Invalid parameter: Event at index 1: user_data.lead_id ${BIG_ID} is not a valid lead id.`);
    expect(invalid.details).toMatchObject({ code: 100 });
    expect(capi.received).toEqual([]); // one bad event refuses the whole request
    expect((await failure(client({ accessToken: 'stale' }).send([stage('1')]))).code).toBe('AUTH');
    capi.failNext('rate-limit', 1);
    expect((await failure(client().send([stage('1')]))).code).toBe('RATE_LIMITED');
    capi.failNext('server-error', 1);
    expect((await failure(client().send([stage('1')]))).code).toBe('TEMPORARY');
    expect((await failure(client({ datasetId: '42' }).send([stage('1')]))).code).toBe('NOT_FOUND'); // a dataset that does not exist: every event alike
  });
});
