import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { total } from '../support/prometheus-text.js';
import { call, startStack, type Stack } from '../support/stack.js';
import { waitFor } from '../support/wait-for.js';

// A name many leads have, none of them recent (Meta's test leads of a form's first weeks): Postgres
// expects to find a page of them soon when walking the leads newest first, and walks past every
// newer lead instead. With a budget of 1 ms no walk over these 15,000 newer leads finishes in time,
// so every search here takes the other path: its page read from the text indexes.
const OLD = 3_000;
const RECENT = 15_000;
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ worker: false, env: { LEADS_SEARCH_BUDGET_MS: '1' } });
  await stack.prisma.$executeRawUnsafe(`
    WITH person AS (INSERT INTO contact (full_name, phone) VALUES ('Someone', '+966550000001') RETURNING id)
    INSERT INTO lead (platform, platform_lead_id, contact_id, full_name, answers, received_at, campaign_id, routing_state)
    SELECT 'meta', 'search-' || i, person.id,
           CASE WHEN i <= ${OLD} THEN 'Test Lead ' || i ELSE 'Recent Person ' || i END, '[]',
           CASE WHEN i <= ${OLD} THEN now() - interval '300 days' + i * interval '1 minute' ELSE now() - interval '30 days' + i * interval '1 minute' END,
           'camp-' || (i % 3), 'unrouted'
    FROM generate_series(1, ${OLD + RECENT}) i, person`);
  // The statistics that make the walk look cheap: "test lead" is a sixth of all names.
  await stack.prisma.$executeRawUnsafe('ANALYZE lead');
});
afterAll(async () => {
  await stack?.stop();
});

type Page = { data: { contact: { fullName: string } }[]; nextCursor: string | null };
const search = async (query: string): Promise<Page> => {
  const res = await call(stack, 'GET', `/crm/leads?${query}`, { headers: stack.auth });
  expect(res.status).toBe(200);
  return res.body as Page;
};
const fallbacks = async () => total(await (await fetch(`${stack.apiUrl}/metrics`)).text(), 'leadflow_leads_search_fallbacks_total');

describe('a search whose matches are all old', () => {
  it('reads its pages from the text indexes once the newest-first walk runs out of time: the same leads, in order', async () => {
    const first = await search('q=test%20lead&limit=50');
    expect(first.data.map((l) => l.contact.fullName)).toEqual(Array.from({ length: 50 }, (_, k) => `Test Lead ${OLD - k}`));
    expect(first.nextCursor).not.toBeNull();
    const second = await search(`q=test%20lead&limit=50&cursor=${first.nextCursor}`);
    expect(second.data.map((l) => l.contact.fullName)).toEqual(Array.from({ length: 50 }, (_, k) => `Test Lead ${OLD - 50 - k}`));

    // Filters still hold on that path, and the walk's timeouts are counted for ops (published every 5 s).
    const filtered = await search('q=test%20lead&campaignId=camp-0&limit=10');
    expect(filtered.data.map((l) => l.contact.fullName)).toEqual(Array.from({ length: 10 }, (_, k) => `Test Lead ${OLD - 3 * k}`));
    await waitFor(fallbacks, (n) => n >= 3, { timeoutMs: 12_000, what: 'three searches read from the indexes in /metrics' });
  });

  it('finds what a walk would, recent names included', async () => {
    const recent = await search(`q=${encodeURIComponent('recent person 17999')}`);
    expect(recent.data.map((l) => l.contact.fullName)).toEqual([`Recent Person 17999`]);
    expect((await search('q=zzqx')).data).toEqual([]);
  });

  it('exports every match to CSV, page by page', async () => {
    const res = await fetch(`${stack.apiUrl}/crm/leads/export.csv?q=test%20lead`, { headers: stack.auth });
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines).toHaveLength(1 + OLD);
    expect(lines[1]).toContain('"Test Lead 3000"');
    expect(lines[OLD]).toContain('"Test Lead 1"');
  });
});
