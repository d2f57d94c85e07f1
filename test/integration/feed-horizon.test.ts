import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FEED_START, lastPosition, readFinal } from '@leadflow/application';
import pg from 'pg';
import { openTestDatabase, TEST_POSTGRES_URL } from '../support/test-database.js';

// The feeds in transaction order read a row once no running transaction can overtake it. Only this
// database's transactions count: a long write elsewhere on the same server must not hold them back.
let database: Awaited<ReturnType<typeof openTestDatabase>>;

beforeAll(async () => {
  database = await openTestDatabase();
});

afterAll(() => database.close());

/** A transaction holding a transaction id, open until `end` is called. */
async function openWrite(url: string): Promise<{ end: () => Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  await client.query('SELECT pg_current_xact_id()');
  return {
    end: async () => {
      await client.query('ROLLBACK');
      await client.end();
    },
  };
}

const streamEvent = async (kind: string) => {
  await database.sql.query(`INSERT INTO stream_event (kind, payload) VALUES ($1, '{}')`, [kind]);
};
const read = (limit: number) => readFinal<{ tx: string; id: string; kind: string }>(database.sql, 'stream_event', '"id", "kind"', FEED_START, limit);
const feed = async () => (await read(100)).map((row) => row.kind);

describe('readFinal', () => {
  it('reads in transaction order, not in the digits of the transaction id', async () => {
    // Explicit ids far below any running transaction: 99 must come before 100 (as text, "100" < "99").
    await database.sql.query(`INSERT INTO stream_event (kind, payload, tx) VALUES ('tx-100', '{}', '100'::xid8), ('tx-99', '{}', '99'::xid8)`);
    const first = await read(2);
    expect(first.map((row) => [row.tx, row.kind])).toEqual([
      ['99', 'tx-99'],
      ['100', 'tx-100'],
    ]);
  });

  it('finds the last position in transaction order (where a feed starts)', async () => {
    await database.sql.query(`INSERT INTO stream_event (kind, payload, tx) VALUES ('tx-1000', '{}', '1000'::xid8), ('tx-999', '{}', '999'::xid8)`);
    const last = await lastPosition(database.sql, 'stream_event', `tx < '5000'::xid8`);
    const [row] = await database.sql.query<{ kind: string }>('SELECT kind FROM stream_event WHERE id = $1::bigint', [last!.id]);
    expect([last!.tx, row!.kind]).toEqual(['1000', 'tx-1000']);
    expect(await lastPosition(database.sql, 'stream_event', 'false')).toBeUndefined();
  });

  it('reads past a transaction that another database on the server keeps open', async () => {
    const elsewhere = await openWrite(TEST_POSTGRES_URL);
    try {
      await streamEvent('after-a-write-elsewhere');
      expect(await feed()).toContain('after-a-write-elsewhere');
    } finally {
      await elsewhere.end();
    }
  });

  it('waits for an older transaction of its own database before reading what came after it', async () => {
    const here = await openWrite(database.url);
    await streamEvent('behind-an-open-transaction');
    try {
      expect(await feed()).not.toContain('behind-an-open-transaction');
    } finally {
      await here.end();
    }
    expect(await feed()).toContain('behind-an-open-transaction');
  });
});
