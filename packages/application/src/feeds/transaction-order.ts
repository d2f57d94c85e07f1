import { runnerOf, type AnyDb } from '../prisma-tx.js';

/**
 * A position in a table read in (writing transaction, id) order. Tables with a `tx xid8` column
 * (lead, lead_event, stream_event) can be followed this way without ever skipping a row: only
 * rows written by transactions older than every running one are read ("final" rows), and any row
 * written later belongs to a younger transaction, so it sorts after them. Running transactions of
 * other databases on the same server do not count (`feed_horizon()`): they cannot write here.
 */
export interface FeedPosition {
  tx: string;
  id: string;
}

export const FEED_START: FeedPosition = { tx: '0', id: '0' };

const FEEDS = {
  lead: { idType: 'uuid', start: '00000000-0000-0000-0000-000000000000' },
  lead_event: { idType: 'bigint', start: '0' },
  stream_event: { idType: 'bigint', start: '0' },
} as const;
export type FeedTable = keyof typeof FEEDS;

/**
 * Final rows after `after`, in order; `columns` is SQL over the table (its `tx` comes back as text).
 * Through `pg` a bigint column comes back as a string, through Prisma as a BigInt. The order names
 * the table's columns: a bare "tx" is the text alias, in digit order ("100" before "99") and off
 * the (tx, id) index.
 */
export function readFinal<T extends { tx: string; id: unknown }>(db: AnyDb, table: FeedTable, columns: string, after: FeedPosition, limit: number): Promise<T[]> {
  const { idType, start } = FEEDS[table];
  const id = after.id === '0' ? start : after.id;
  return runnerOf(db).query<T>(
    `SELECT ${columns}, "tx"::text AS "tx" FROM "${table}"
     WHERE ("tx", "id") > ($1::xid8, $2::${idType}) AND "tx" < (SELECT feed_horizon())
     ORDER BY "${table}"."tx", "${table}"."id" LIMIT $3::int`,
    [after.tx, id, limit],
  );
}

/** The position of the table's last row in feed order (optionally among rows matching `where`), or undefined when there is none. */
export async function lastPosition(db: AnyDb, table: FeedTable, where = 'true'): Promise<FeedPosition | undefined> {
  const [last] = await runnerOf(db).query<{ tx: string; id: unknown }>(
    `SELECT "tx"::text AS "tx", "id" FROM "${table}" WHERE ${where} ORDER BY "${table}"."tx" DESC, "${table}"."id" DESC LIMIT 1`,
  );
  return last ? positionOf(last) : undefined;
}

export function positionOf(row: { tx: string; id: unknown }): FeedPosition {
  return { tx: row.tx, id: String(row.id) };
}

/** Where a named feed or sync got to (sync_cursor). */
export async function readCursor<T>(db: AnyDb, key: string): Promise<T | undefined> {
  const [row] = await runnerOf(db).query<{ value: T }>('SELECT "value" FROM "sync_cursor" WHERE "key" = $1::text', [key]);
  return row?.value;
}

export async function writeCursor(db: AnyDb, key: string, value: unknown): Promise<void> {
  await runnerOf(db).query(
    `INSERT INTO "sync_cursor" ("key", "value", "updated_at") VALUES ($1::text, $2::jsonb, now())
     ON CONFLICT ("key") DO UPDATE SET "value" = EXCLUDED."value", "updated_at" = now()`,
    [key, JSON.stringify(value)],
  );
}
