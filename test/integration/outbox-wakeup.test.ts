import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { ChannelListener } from '@leadflow/db';
import pg from 'pg';
import { TcpProxy } from '../support/tcp-proxy.js';
import { createTestDatabase } from '../support/test-database.js';
import { waitFor } from '../support/wait-for.js';

// The workers' outbox relays are woken by Postgres itself: every transaction that writes outbox
// rows notifies when it commits, and a listener whose connection was cut comes back on its own.
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: pg.Client;
let listener: ChannelListener | undefined;
let proxy: TcpProxy | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
  db = new pg.Client({ connectionString: database.url });
  await db.connect();
});

afterEach(async () => {
  await listener?.stop();
  proxy?.restore();
  await proxy?.stop();
  listener = undefined;
  proxy = undefined;
});

afterAll(async () => {
  await db.end();
  await database.drop();
});

const insertOutboxRow = (jobId: string) =>
  db.query(`INSERT INTO outbox_message (queue, job_name, job_id, payload) VALUES ('normalize', 'normalize-lead', $1, '{}')`, [jobId]);

async function listen(url: string, options: ConstructorParameters<typeof ChannelListener>[3] = {}): Promise<{ wakeUps: () => number }> {
  let count = 0;
  listener = new ChannelListener(url, 'outbox_message', () => count++, options);
  listener.start();
  // Connecting counts as one wake-up (whatever was written before is looked for).
  await waitFor(async () => count, (n) => n === 1, { what: 'the listener to connect' });
  return { wakeUps: () => count };
}

describe('outbox wake-ups', () => {
  it('wakes listeners once per committed transaction that wrote outbox rows, and not for a rolled-back one', async () => {
    const { wakeUps } = await listen(database.url);

    await db.query('BEGIN');
    await insertOutboxRow('wake-1');
    await insertOutboxRow('wake-2');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(wakeUps()).toBe(1); // nothing before the commit: the relay would find no row yet
    await db.query('COMMIT');
    await waitFor(async () => wakeUps(), (n) => n === 2, { what: 'the wake-up of the commit' });

    await db.query('BEGIN');
    await insertOutboxRow('wake-3');
    await db.query('ROLLBACK');
    await insertOutboxRow('wake-4');
    await waitFor(async () => wakeUps(), (n) => n >= 3, { what: 'the wake-up of the second commit' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(wakeUps()).toBe(3);
  });

  it('listens again after its connection is cut, and wakes on reconnecting for what it may have missed', async () => {
    const target = new URL(database.url);
    proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const through = new URL(database.url);
    through.port = String(await proxy.start());
    const errors: Error[] = [];
    const { wakeUps } = await listen(through.toString(), { reconnectMs: 100, onError: (error) => errors.push(error) });

    proxy.cut();
    await waitFor(async () => listener!.listening, (up) => !up, { what: 'the listener to notice the cut' });
    await insertOutboxRow('while-cut'); // this notification is lost with the connection
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(wakeUps()).toBe(1);

    proxy.restore();
    await waitFor(async () => wakeUps(), (n) => n === 2, { what: 'the wake-up on reconnecting' });
    expect(listener!.listening).toBe(true);
    await insertOutboxRow('after-restore');
    await waitFor(async () => wakeUps(), (n) => n === 3, { what: 'a wake-up on the new connection' });
    expect(errors.length).toBeGreaterThan(0);
  });
});
