import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PlatformSimulator } from '@leadflow/simulators';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { SharedPacer, type RequestPacer } from './request-pacer.js';
import { SheetsWriter } from './sheets-writer.js';

// The real googleapis client against the local Sheets simulator (rootUrl), with a ready token.
const sim = new PlatformSimulator({ metaAccessToken: 'x', tiktokAccessToken: 'x', sheets: { accessToken: 'sheet-token' } });
let url: string;
const writer = (extra: Partial<ConstructorParameters<typeof SheetsWriter>[0]> = {}, pacer?: RequestPacer) =>
  new SheetsWriter({ credentials: '{"access_token":"sheet-token"}', rootUrl: `${url}/`, spreadsheetId: 's1', sheetName: 'Leads', timeoutMs: 2000, minIntervalMs: 20, rateLimitBackoffMs: 20, ...extra }, pacer);

beforeAll(async () => {
  url = await sim.start();
});
afterAll(() => sim.stop());

describe('SheetsWriter', () => {
  it('batches appends, keeps their order through 429s, writes RAW and returns each row number', async () => {
    sim.reset();
    sim.failNext('sheets', 'rate-limit', 2);
    const sheets = writer();
    const rows = await Promise.all(['a', 'b', 'c', 'd'].map((id, i) => sheets.appendRow(id, [id, `+96655000000${i}`, '=1+1'])));
    expect(rows).toEqual([1, 2, 3, 4]);
    expect(sim.sheetRows('s1', 'Leads')).toEqual([['a', '+966550000000', '=1+1'], ['b', '+966550000001', '=1+1'], ['c', '+966550000002', '=1+1'], ['d', '+966550000003', '=1+1']]);
    expect(sheets.rateLimited).toBe(2);
    // The four appends went out as one request (plus the two refused tries of it).
    expect(sim.calls.sheets).toBe(1 + 2);
  });

  it('spaces requests to stay under the per-minute quota', async () => {
    sim.reset();
    const sheets = writer({ minIntervalMs: 150 });
    const started = Date.now();
    await sheets.appendRow('x', ['x']);
    await sheets.appendRow('y', ['y']);
    await sheets.appendRow('z', ['z']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it('sends the rows that arrive while it waits for its slot in that request, not the one after', async () => {
    sim.reset();
    const sheets = writer({ minIntervalMs: 300 });
    await sheets.appendRow('a', ['a']);
    const b = sheets.appendRow('b', ['b']);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    const c = sheets.appendRow('c', ['c']);
    expect(await Promise.all([b, c])).toEqual([2, 3]);
    // c waited for the slot b was waiting for (~200 ms), not for a slot of its own after it.
    expect(Date.now() - started).toBeLessThan(300);
    expect(sim.calls.sheets).toBe(2);
  });

  it('updates the row of a lead found by its id, and finds a row written before on a retry', async () => {
    sim.reset();
    const sheets = writer();
    await sheets.appendRow('a', ['a', 'new']);
    await sheets.appendRow('b', ['b', 'new']);
    expect(await sheets.updateRow('b', ['b', 'qualified'])).toBe(2);
    expect(await sheets.updateRow('missing', ['missing'])).toBeUndefined();
    expect(await sheets.appendRow('a', ['a', 'new'], true)).toBe(1);
    expect(sim.sheetRows('s1', 'Leads')).toEqual([['a', 'new'], ['b', 'qualified']]);
  });

  it('reports a refused token as a permanent error', async () => {
    const wrong = new SheetsWriter({ credentials: '{"access_token":"nope"}', rootUrl: `${url}/`, spreadsheetId: 's1', sheetName: 'Leads', timeoutMs: 2000, minIntervalMs: 1 });
    await expect(wrong.appendRow('a', ['a'])).rejects.toMatchObject({ code: 'AUTH' });
  });
});

describe('SharedPacer', () => {
  const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  afterAll(() => redis.quit());

  /** Records when each request was let through. */
  const recorded = (pacer: RequestPacer, at: number[]): RequestPacer => ({ acquire: () => pacer.acquire().then(() => void at.push(Date.now())) });

  it('spaces the requests of several worker processes together, as one quota', async () => {
    sim.reset();
    const key = `test:sheets:pace:${randomUUID()}`;
    const at: number[] = [];
    // Two writers, as two worker processes would hold: each with its own pacer on the same key.
    const [one, two] = [1, 2].map(() => writer({}, recorded(new SharedPacer(redis, key, 120), at)));
    await Promise.all([one!.appendRow('a', ['a']).then(() => one!.appendRow('b', ['b'])), two!.appendRow('c', ['c']).then(() => two!.appendRow('d', ['d']))]);
    expect(sim.sheetRows('s1', 'Leads')).toHaveLength(4);
    const sorted = at.sort((x, y) => x - y);
    expect(sorted).toHaveLength(4);
    // Each writer alone would send its second request 120 ms after its first, both at once. The
    // slots are 120 ms apart on Redis' clock; each answer reaches its writer a little later or sooner.
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThanOrEqual(90);
    expect(sorted[3]! - sorted[0]!).toBeGreaterThanOrEqual(330);
    await redis.del(key);
  });

  it('paces this process alone while Redis does not answer', async () => {
    const down = { eval: () => Promise.reject(new Error('connect ECONNREFUSED')) };
    const pacer = new SharedPacer(down, 'unused', 100);
    const started = Date.now();
    await pacer.acquire();
    await pacer.acquire();
    await pacer.acquire();
    expect(Date.now() - started).toBeGreaterThanOrEqual(195);
  });
});
