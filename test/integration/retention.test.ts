import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fakeSnapchatLead } from '@leadflow/simulators';
import { actionJobName, outboxMessage } from '@leadflow/queue';
import { randomUUID } from 'node:crypto';
import { RetentionSweep } from '../../apps/worker/src/scheduler/retention-sweep.service.js';
import { startStack, type Stack } from '../support/stack.js';
import { waitFor } from '../support/wait-for.js';

let stack: Stack;

beforeAll(async () => {
  // The worker starts later in the test; its scheduler passes every 200 ms.
  stack = await startStack({ worker: false, env: { SCHEDULER_INTERVAL_MS: '200', OUTBOX_RETENTION_HOURS: '2', STREAM_EVENT_RETENTION_HOURS: '1' } });
});
afterAll(async () => {
  await stack?.stop();
});

/** An outbox row written `ageHours` ago and, unless null, published `publishedHoursAgo` ago. */
async function outboxRow(ageHours: number, publishedHoursAgo: number | null): Promise<bigint> {
  // A job for a run that does not exist: if the relay publishes it, the worker skips it.
  const row = await stack.prisma.outboxMessage.create({ data: outboxMessage(actionJobName('notify.user'), { actionRunId: randomUUID(), dispatch: 0 }, `retention-${randomUUID()}`) });
  await stack.prisma.$executeRaw`
    UPDATE outbox_message SET created_at = now() - make_interval(hours => ${ageHours}::int),
      published_at = CASE WHEN ${publishedHoursAgo}::int IS NULL THEN NULL ELSE now() - make_interval(hours => ${publishedHoursAgo}::int) END
    WHERE id = ${row.id}`;
  return row.id;
}

async function streamEvent(ageHours: number): Promise<bigint> {
  const [row] = await stack.prisma.$queryRaw<{ id: bigint }[]>`
    INSERT INTO stream_event (kind, payload, created_at) VALUES ('test', '{}', now() - make_interval(hours => ${ageHours}::int)) RETURNING id`;
  return row!.id;
}

const outboxIds = async () => new Set((await stack.prisma.outboxMessage.findMany({ select: { id: true } })).map((r) => r.id));
const streamIds = async () => new Set((await stack.prisma.$queryRaw<{ id: bigint }[]>`SELECT id FROM stream_event`).map((r) => r.id));

describe('retention sweep', () => {
  it('deletes outbox rows published before OUTBOX_RETENTION_HOURS and stream events past STREAM_EVENT_RETENTION_HOURS, nothing else', async () => {
    const publishedLongAgo = await outboxRow(5, 4);
    const neverPublished = await outboxRow(5, null);
    const publishedLately = await outboxRow(5, 1);
    const fresh = await outboxRow(0, 0);
    const oldEvent = await streamEvent(3);
    const recentEvent = await streamEvent(0);

    const sweep = new RetentionSweep(stack.prisma, stack.loaded.config);
    expect(await sweep.sweep()).toEqual({ outbox: 1, streamEvents: 1 });
    const outbox = await outboxIds();
    expect(outbox.has(publishedLongAgo)).toBe(false);
    for (const kept of [neverPublished, publishedLately, fresh]) expect(outbox.has(kept)).toBe(true);
    const events = await streamIds();
    expect(events.has(oldEvent)).toBe(false);
    expect(events.has(recentEvent)).toBe(true);
    expect(await sweep.sweep()).toEqual({ outbox: 0, streamEvents: 0 });
  });

  it('works through a backlog in batches', async () => {
    await stack.prisma.$executeRaw`
      INSERT INTO outbox_message (queue, job_name, job_id, payload, created_at, published_at)
      SELECT 'backlog', 'backlog', 'backlog-' || n, '{}', now() - interval '10 hours', now() - interval '9 hours' FROM generate_series(1, 12000) n`;
    expect(await new RetentionSweep(stack.prisma, stack.loaded.config).sweep()).toEqual({ outbox: 12_000, streamEvents: 0 });
  });

  it("runs on the workers' schedule, and leads flow as before", async () => {
    const old = await outboxRow(6, 6);
    const oldEvent = await streamEvent(2);
    await stack.startWorker();
    await waitFor(async () => (await outboxIds()).has(old) || (await streamIds()).has(oldEvent), (left) => !left, { what: 'the scheduled sweep' });

    const payload = fakeSnapchatLead();
    expect((await stack.sender.snapchat(payload)).status).toBe(200);
    await waitFor(() => stack.prisma.lead.findFirst({ where: { platformLeadId: payload.lead_id } }), Boolean, { what: 'the lead' });
    // Its jobs went out and stay until their retention is up.
    expect(await stack.prisma.outboxMessage.count({ where: { publishedAt: { not: null }, createdAt: { gt: new Date(Date.now() - 60_000) } } })).toBeGreaterThan(0);
  });
});
