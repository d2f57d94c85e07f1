import { randomBytes } from 'node:crypto';
import { createPrismaClient, SqlPool, type PrismaClient } from '@leadflow/db';
import pg from 'pg';

/** Postgres server the tests use; databases are created and dropped on it. */
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Made by global-setup.mjs. */
const TEMPLATE = 'leadflow_test_template';

export function databaseUrl(name: string): string {
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated database for one test file (a copy of the template: milliseconds, not a migration run). */
export async function createTestDatabase(): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `leadflow_test_${randomBytes(5).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE}`);
  return { name, url: databaseUrl(name), drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** A fresh database with a `pg` pool and a Prisma client on it; `close` ends both and drops it. */
export async function openTestDatabase(options: { poolSize?: number } = {}): Promise<{ url: string; sql: SqlPool; prisma: PrismaClient; close: () => Promise<void> }> {
  const database = await createTestDatabase();
  const sql = new SqlPool(database.url, { poolSize: options.poolSize ?? 2 });
  const prisma = createPrismaClient(database.url, { poolSize: 2 });
  return {
    url: database.url,
    sql,
    prisma,
    close: async () => {
      await sql.end();
      await prisma.$disconnect();
      await database.drop();
    },
  };
}
