import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { notify } from '@leadflow/application';
import { SqlPool, throughOutage, type PrismaClient } from '@leadflow/db';
import { outboxMessage, writeOutbox } from '@leadflow/queue';
import { TcpProxy } from '../support/tcp-proxy.js';
import { openTestDatabase } from '../support/test-database.js';

// The worker's per-lead paths write through `pg` directly; the same SQL helpers also run inside
// Prisma's transactions. These check the pool's own parts against the real database.
let database: Awaited<ReturnType<typeof openTestDatabase>>;
let sql: SqlPool;
let prisma: PrismaClient;

beforeAll(async () => {
  database = await openTestDatabase({ poolSize: 3 });
  ({ sql, prisma } = database);
  await sql.query(`INSERT INTO branch (id, name, timezone, working_hours, holidays, updated_at) VALUES ('00000000-0000-4000-8000-000000000001', 'Riyadh', 'Asia/Riyadh', '{}', '[]', now())`);
  await sql.query(`INSERT INTO team (id, branch_id, name, escalation, updated_at) VALUES ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001', 'Sales', '[]', now())`);
});

afterAll(() => database.close());

describe('queryParts', () => {
  it('splits a join into one camel-cased object per table, null where an outer join found nothing', async () => {
    const rows = await sql.queryParts<{ team: Record<string, unknown>; branch: Record<string, unknown> | null; other: Record<string, unknown> | null }>(
      `SELECT t.*, b.*, o.* FROM team t JOIN branch b ON b.id = t.branch_id LEFT JOIN team o ON o.id = t.fallback_team_id`,
      [],
      ['team', 'branch', 'other'],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.team).toMatchObject({ id: '00000000-0000-4000-8000-000000000002', branchId: '00000000-0000-4000-8000-000000000001', name: 'Sales', fallbackTeamId: null });
    expect(rows[0]!.team.createdAt).toBeInstanceOf(Date);
    expect(rows[0]!.branch).toMatchObject({ name: 'Riyadh', timezone: 'Asia/Riyadh' });
    expect(rows[0]!.other).toBeNull();
  });

  it('refuses a result whose tables do not match the parts asked for', async () => {
    await expect(sql.queryParts('SELECT t.* FROM team t', [], ['team', 'branch'])).rejects.toThrow('expected 2 tables');
  });
});

describe('transaction', () => {
  it('commits what the work wrote, and writes nothing when the work throws', async () => {
    await sql.transaction((tx) => writeOutbox(tx, [outboxMessage('route-lead', { leadId: 'a' }, 'sql-pool:kept')]));
    await expect(
      sql.transaction(async (tx) => {
        await writeOutbox(tx, [outboxMessage('route-lead', { leadId: 'b' }, 'sql-pool:rolled-back')]);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    const rows = await sql.query<{ job_id: string; payload: unknown }>(`SELECT job_id, payload FROM outbox_message WHERE job_id LIKE 'sql-pool:%'`);
    expect(rows).toEqual([{ job_id: 'sql-pool:kept', payload: { leadId: 'a' } }]);
  });

  it('survives its connection being cut mid-transaction: the work fails, the pool goes on', async () => {
    const url = new URL(database.url);
    const proxy = new TcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.port = String(await proxy.start());
    const cut = new SqlPool(url.toString(), { poolSize: 1 });
    try {
      await expect(
        cut.transaction(async (tx) => {
          await tx.query('SELECT 1');
          proxy.cut();
          await tx.query('SELECT pg_sleep(0.2)');
        }),
      ).rejects.toThrow();
      proxy.restore();
      expect(await cut.query<{ one: number }>('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await cut.end();
      await proxy.stop();
    }
  });
});

describe('prepared statements', () => {
  it('prepares each statement once per connection under a name from its text', async () => {
    const prepared = await sql.transaction(async (tx) => {
      await tx.query('SELECT $1::int AS one', [1]);
      await tx.query('SELECT $1::int AS one', [2]);
      return tx.query<{ statement: string }>(`SELECT statement FROM pg_prepared_statements WHERE statement LIKE 'SELECT $1::int AS one%'`);
    });
    expect(prepared).toEqual([{ statement: 'SELECT $1::int AS one' }]);
  });

  it('replaces a connection whose prepared statement no longer matches its table after a migration', async () => {
    const single = new SqlPool(database.url, { poolSize: 1 });
    try {
      await single.query(`CREATE TABLE prepared_shape (id int)`);
      await single.query(`INSERT INTO prepared_shape VALUES (1)`);
      const read = () => single.transaction((tx) => tx.query<Record<string, unknown>>('SELECT * FROM prepared_shape'));
      expect(await read()).toEqual([{ id: 1 }]);
      await sql.query(`ALTER TABLE prepared_shape ADD COLUMN name text`);
      // The one connection planned `SELECT *` for the old shape: Postgres refuses it once, the
      // connection is dropped, and the next transaction prepares the statement again.
      await expect(read()).rejects.toMatchObject({ code: '0A000' });
      expect(await read()).toEqual([{ id: 1, name: null }]);
      // The same outside a transaction (the pool drops a connection whose query failed).
      expect(await single.query('SELECT * FROM prepared_shape')).toEqual([{ id: 1, name: null }]);
      await sql.query(`ALTER TABLE prepared_shape ADD COLUMN note text`);
      await expect(single.query('SELECT * FROM prepared_shape')).rejects.toMatchObject({ code: '0A000' });
      expect(await single.query('SELECT * FROM prepared_shape')).toEqual([{ id: 1, name: null, note: null }]);
    } finally {
      await single.end();
    }
  });
});

describe('throughOutage', () => {
  it('keeps trying a write while Postgres is unreachable and lands it once it is back; gives up after its budget', async () => {
    const url = new URL(database.url);
    const proxy = new TcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.port = String(await proxy.start());
    const pool = new SqlPool(url.toString(), { poolSize: 1, connectionTimeoutMs: 300 });
    try {
      proxy.cut();
      let tries = 0;
      const write = () => {
        tries += 1;
        return pool.query(`INSERT INTO sync_cursor (key, value, updated_at) VALUES ('outage', '1', now()) RETURNING key`);
      };
      const landing = throughOutage(write, { firstWaitMs: 50, maxWaitMs: 3_000 });
      await new Promise((resolve) => setTimeout(resolve, 700));
      proxy.restore();
      expect(await landing).toEqual([{ key: 'outage' }]);
      expect(tries).toBeGreaterThan(1);
      expect(await sql.query(`SELECT value FROM sync_cursor WHERE key = 'outage'`)).toEqual([{ value: 1 }]);

      proxy.cut();
      await expect(throughOutage(() => pool.query('SELECT 1'), { firstWaitMs: 20, maxWaitMs: 80 })).rejects.toThrow();
    } finally {
      proxy.restore();
      await pool.end();
      await proxy.stop();
    }
  });
});

describe('notify', () => {
  it('creates one notification per dedupe key, through pg or inside a Prisma transaction', async () => {
    const n = { category: 'admin_alert' as const, title: 'Odoo refused our credentials', body: 'renew them', dedupeKey: 'sql-pool:alert' };
    const first = await notify(sql, n);
    const again = await prisma.$transaction((tx) => notify(tx, n));
    const raced = await Promise.all([1, 2, 3].map(() => notify(sql, { ...n, dedupeKey: 'sql-pool:raced' })));
    expect(first.created).toBe(true);
    expect(again).toEqual({ id: first.id, created: false });
    expect(raced.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(raced.map((r) => r.id)).size).toBe(1);
    const [{ count }] = await sql.query<{ count: number }>(`SELECT count(*)::int AS count FROM notification WHERE dedupe_key LIKE 'sql-pool:%'`);
    expect(count).toBe(2);
  });
});
