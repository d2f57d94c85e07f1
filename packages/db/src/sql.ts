import { createHash } from 'node:crypto';
import pg from 'pg';

/** Runs one parameterised statement and returns its rows (a pool, a transaction, or a Prisma client through `sqlOf`). */
export interface SqlRunner {
  query<T = Record<string, unknown>>(text: string, values?: unknown[]): Promise<T[]>;
}

export interface SqlPoolOptions {
  /** Connections in this process's pool. */
  poolSize?: number;
  /** Fail a query that waits longer than this for a connection, instead of hanging while Postgres is down. */
  connectionTimeoutMs?: number;
}

const camelCache = new Map<string, string>();
/** Distinct statement texts a pool prepares; beyond it a statement is sent unnamed, as before. */
const MAX_PREPARED = 500;
/** feature_not_supported: what Postgres raises for "cached plan must not change result type" (a connection dropped for another error of this class is merely reopened). */
const CACHED_PLAN_CHANGED = '0A000';

/** `odoo_lead_id` → `odooLeadId`: the schema names every field as the camel case of its column. */
export function camelName(column: string): string {
  let name = camelCache.get(column);
  if (name === undefined) {
    name = column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    camelCache.set(column, name);
  }
  return name;
}

/** A row with its columns renamed as the Prisma model names them (values keep pg's types: Date, parsed JSON…). */
export function camelRow<T>(row: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const key in row) out[camelName(key)] = row[key];
  return out as T;
}

/**
 * Statements through `pg` directly, for the worker's per-lead paths: a Prisma call costs ~0.5 ms of
 * CPU in its query compiler and result mapping, the same statement through `pg` ~0.05 ms, and a
 * lead makes dozens of them. Everything else keeps Prisma's typed client.
 */
export class SqlPool implements SqlRunner {
  /** Statement names by text (see `prepared`). */
  private readonly names = new Map<string, string>();

  private readonly pool: pg.Pool;

  constructor(databaseUrl: string, options: SqlPoolOptions = {}) {
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: options.poolSize ?? 10, connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000 });
    // An idle connection that breaks (Postgres restarted) is dropped by the pool; without a listener the error would crash the process.
    this.pool.on('error', () => undefined);
  }

  async query<T = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T[]> {
    return (await this.pool.query(this.prepared(text, values))).rows as T[];
  }

  /**
   * The statement under a name derived from its text, so each connection parses it once and
   * Postgres may keep its plan: the per-lead statements are few and run thousands of times, and
   * parsing and planning their CTEs cost Postgres more CPU than running them. Texts are bounded
   * (a text built per call would otherwise leave a prepared statement on every connection).
   */
  private prepared(text: string, values: unknown[], rowMode?: 'array'): pg.QueryConfig {
    let name = this.names.get(text);
    if (name === undefined && this.names.size < MAX_PREPARED) {
      name = `lf_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
      this.names.set(text, name);
    }
    return { name, text, values, ...(rowMode ? { rowMode } : {}) };
  }

  /**
   * A join read as one object per table, e.g. `SELECT r.*, l.*, e.* FROM … ` with parts
   * `['run', 'lead', 'assignee']`: columns are split where their source table changes, renamed to
   * camel case, and a part whose columns are all null (an outer join that found nothing) is null.
   */
  async queryParts<T>(text: string, values: unknown[], parts: string[]): Promise<T[]> {
    const result = await this.pool.query(this.prepared(text, values, 'array'));
    const bounds: number[] = [];
    result.fields.forEach((field, i) => {
      if (i === 0 || field.tableID !== result.fields[i - 1]!.tableID) bounds.push(i);
    });
    if (bounds.length !== parts.length) throw new Error(`expected ${parts.length} tables in the result, found ${bounds.length}`);
    return (result.rows as unknown[][]).map((row) => {
      const out: Record<string, unknown> = {};
      parts.forEach((part, p) => {
        const object: Record<string, unknown> = {};
        let empty = true;
        for (let i = bounds[p]!; i < (bounds[p + 1] ?? row.length); i++) {
          object[camelName(result.fields[i]!.name)] = row[i];
          if (row[i] !== null) empty = false;
        }
        out[part] = empty ? null : object;
      });
      return out as T;
    });
  }

  /** Runs statements on one connection, in a transaction; rolled back if `work` throws. */
  async transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const tx: SqlRunner = { query: async <R>(text: string, values: unknown[] = []) => (await client.query(this.prepared(text, values))).rows as R[] };
    let broken: Error | undefined;
    // A connection lost while checked out (Postgres restarted) fails the statement in flight, and
    // is also emitted as an event, which must not go unheard; the connection is then discarded.
    const onError = (error: Error) => (broken = error);
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const result = await work(tx);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      // A prepared statement whose table changed shape (a migration ran under a running worker)
      // fails with this code until the connection is replaced.
      if ((error as { code?: string }).code === CACHED_PLAN_CHANGED) broken ??= error as Error;
      throw error;
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  }

  async end(): Promise<void> {
    await this.pool.end();
  }
}

/** Prisma's client or transaction as a SqlRunner: helpers written once in SQL serve both worlds. */
export function sqlOf(db: { $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T> }): SqlRunner {
  return { query: <T>(text: string, values: unknown[] = []) => db.$queryRawUnsafe<T[]>(text, ...values) };
}

/**
 * One statement assembled from parts — several data-modifying CTEs, each adding its own parameters —
 * so writes that belong together cost one round trip (and, under a lock, one wait on the event loop).
 * Every CTE runs whether or not the final query reads it; all see the same snapshot, and row
 * triggers fire at the end of the statement, seeing every part's changes.
 */
export class Statement {
  readonly values: unknown[] = [];
  private readonly ctes: string[] = [];

  /** The placeholder for a value; the caller writes the cast (`${s.param(id)}::uuid`). */
  param(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  with(name: string, body: string): this {
    this.ctes.push(`${name} AS (${body})`);
    return this;
  }

  text(final: string): string {
    return this.ctes.length === 0 ? final : `WITH ${this.ctes.join(',\n')}\n${final}`;
  }

  run<T = Record<string, unknown>>(db: SqlRunner, final = 'SELECT 1'): Promise<T[]> {
    return db.query<T>(this.text(final), this.values);
  }
}

/**
 * A write recording what already happened outside (a message sent, or not), tried again through a
 * short database outage — waits of 250 ms doubling up to `maxWaitMs` (~16 s in all by default) —
 * instead of leaving the outside world and our rows disagreeing.
 */
export async function throughOutage<T>(write: () => Promise<T>, { firstWaitMs = 250, maxWaitMs = 8_000 } = {}): Promise<T> {
  for (let waitMs = firstWaitMs; ; waitMs *= 2) {
    try {
      return await write();
    } catch (error) {
      if (waitMs > maxWaitMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}
