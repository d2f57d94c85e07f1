import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fakeMetaLead, fakeSnapchatLead, fakeTikTokLead, metaDelivery } from '@leadflow/simulators';
import { call, startStack, type Stack } from '../support/stack.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { TEST_REDIS_URL } from '../support/test-database.js';
import { waitFor } from '../support/wait-for.js';

// Redis is only the work queue: while it is away webhooks must still be stored (the outbox keeps
// their jobs), and once it is back every stored lead is processed exactly once.
let stack: Stack;
let redis: TcpProxy;

beforeAll(async () => {
  const target = new URL(TEST_REDIS_URL);
  redis = new TcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
  const port = await redis.start();
  stack = await startStack({ env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
});
afterAll(async () => {
  redis?.restore();
  await stack?.stop();
  await redis?.stop();
});

describe('Redis down during deliveries', () => {
  it('accepts and stores every webhook, then processes each exactly once when Redis is back', async () => {
    redis.cut();
    await waitFor(() => call(stack, 'GET', '/health/ready'), (res) => res.status === 503 && res.body.redis === 'down', { what: 'health to see Redis down' });

    const metaLeads = Array.from({ length: 6 }, () => fakeMetaLead());
    const tiktokLeads = Array.from({ length: 3 }, () => fakeTikTokLead());
    const snapLeads = Array.from({ length: 3 }, () => fakeSnapchatLead());
    for (const m of metaLeads) stack.simulator.addMetaLead(m.lead, m.form);
    for (const t of tiktokLeads) stack.simulator.addTikTokLead(t.advertiserId, t.lead);

    const answers = await Promise.all([
      stack.sender.meta(metaDelivery(metaLeads.slice(0, 3).map((m) => m.change))),
      ...metaLeads.slice(3).map((m) => stack.sender.meta(metaDelivery([m.change]))),
      ...tiktokLeads.map((t) => stack.sender.tiktok(t.notification)),
      ...snapLeads.map((s) => stack.sender.snapchat(s)),
    ]);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.reduce((sum, a) => sum + (a.body as { accepted: number }).accepted, 0)).toBe(12);
    // Platforms retry while we were down too; still stored once.
    expect((await stack.sender.snapchat(snapLeads[0])).body).toEqual({ accepted: 0, duplicates: 1 });

    expect(await stack.prisma.inboundEvent.count()).toBe(12);
    expect(await stack.prisma.outboxMessage.count({ where: { publishedAt: null } })).toBe(12);
    expect(await stack.prisma.lead.count()).toBe(0);

    redis.restore();
    await waitFor(() => stack.prisma.lead.count(), (n) => n === 12, { timeoutMs: 20_000, what: 'all 12 leads after Redis came back' });
    await waitFor(() => stack.prisma.inboundEvent.count({ where: { status: 'processed' } }), (n) => n === 12, { what: 'every event processed' });
    await waitFor(() => stack.prisma.outboxMessage.count({ where: { publishedAt: null } }), (n) => n === 0, { what: 'the outbox to drain' });
    // Exactly once: one lead per notification and one "received" step per lead.
    expect(await stack.prisma.leadEvent.count({ where: { type: 'received' } })).toBe(12);
    expect((await call(stack, 'GET', '/health/ready')).body).toEqual({ status: 'ok', postgres: 'up', redis: 'up', migrations: 'applied' });
  });
});
