import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { IntegrationError } from '@leadflow/integration-common';
import { PlatformSimulator } from '@leadflow/simulators';
import { MetaGraphClient } from './meta-graph.client.js';

// The real client over real HTTP against the local Graph simulator.
const simulator = new PlatformSimulator({ metaAccessToken: 'page-token', tiktokAccessToken: 'unused', timeoutFaultMs: 500 });
let client: MetaGraphClient;

beforeAll(async () => {
  const baseUrl = await simulator.start();
  client = new MetaGraphClient({ baseUrl, version: 'v21.0', pageAccessToken: 'page-token', timeoutMs: 200 });
});
afterAll(() => simulator.stop());
beforeEach(() => {
  simulator.reset();
  simulator.addMetaLead({ id: '1219', form_id: '889', field_data: [{ name: 'email', values: ['a@b.co'] }] }, { id: '889', name: 'Form' });
});

async function failure(promise: Promise<unknown>): Promise<IntegrationError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(IntegrationError);
  return error as IntegrationError;
}

describe('MetaGraphClient', () => {
  it('reads a lead and a form', async () => {
    expect(await client.getLead('1219')).toEqual({ id: '1219', form_id: '889', field_data: [{ name: 'email', values: ['a@b.co'] }] });
    expect((await client.getForm('889')).name).toBe('Form');
  });

  it('classifies Graph errors once, for the retry policy', async () => {
    expect((await failure(client.getLead('404404'))).code).toBe('NOT_FOUND');
    simulator.failNext('meta', 'auth', 1);
    const auth = await failure(client.getLead('1219'));
    expect(auth.code).toBe('AUTH');
    expect(auth.retryable).toBe(false);
    expect(auth.message).toMatch(/Session has expired/);
    simulator.failNext('meta', 'rate-limit', 1);
    expect((await failure(client.getLead('1219'))).code).toBe('RATE_LIMITED');
    simulator.failNext('meta', 'server-error', 1);
    expect((await failure(client.getLead('1219'))).retryable).toBe(true);
    simulator.failNext('meta', 'timeout', 1);
    const timeout = await failure(client.getLead('1219'));
    expect(timeout.code).toBe('TEMPORARY');
    expect(timeout.message).toMatch(/no answer within 200 ms/);
  });

  it('is refused with a wrong token', async () => {
    const wrong = new MetaGraphClient({ baseUrl: simulator.url, version: 'v21.0', pageAccessToken: 'stolen', timeoutMs: 500 });
    expect((await failure(wrong.getLead('1219'))).code).toBe('AUTH');
  });

  it('reports a network failure as temporary', async () => {
    const down = new MetaGraphClient({ baseUrl: 'http://127.0.0.1:9', version: 'v21.0', pageAccessToken: 'page-token', timeoutMs: 500 });
    expect((await failure(down.getLead('1219'))).code).toBe('TEMPORARY');
  });
});
