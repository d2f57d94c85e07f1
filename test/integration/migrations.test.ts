import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { applyMigrations, createMigration, pendingMigrations } from '@leadflow/db';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { adminQuery, databaseUrl } from '../support/test-database.js';

// The offline runner (Prisma's WebAssembly schema engine) must leave the database exactly as
// `prisma migrate deploy` would: same tables, same `_prisma_migrations` bookkeeping.
const name = `leadflow_test_migrate_${process.pid}`;
const url = databaseUrl(name);
const paths = { schemaPath: resolve('prisma/schema.prisma'), migrationsDir: resolve('prisma/migrations') };

async function query<T>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

beforeAll(() => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
afterAll(() => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));

describe('offline migrations', () => {
  it('creates the database, applies every migration and records it as prisma migrate deploy does', async () => {
    const folders = (await readdir(paths.migrationsDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    expect(await applyMigrations(url, paths)).toEqual(folders);

    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null; applied_steps_count: number; logs: string | null }>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count, logs FROM _prisma_migrations ORDER BY started_at',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(folders);
    for (const row of rows) {
      const sql = await readFile(join(paths.migrationsDir, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(row).toMatchObject({ rolled_back_at: null, applied_steps_count: 1, logs: null });
      expect(row.finished_at).toBeInstanceOf(Date);
    }
    const tables = await query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
    expect(tables.map((t) => t.tablename)).toEqual(expect.arrayContaining(['lead', 'contact', 'inbound_event', 'webhook_delivery', 'outbox_message', 'lead_event']));
  });

  it('is a no-op when the database is up to date', async () => {
    expect(await applyMigrations(url, paths)).toEqual([]);
    expect(await pendingMigrations(url, paths)).toEqual([]);
  });

  it('writes nothing when schema.prisma matches the migrations, and the next migration when it does not', async () => {
    expect(await createMigration(url, paths, 'nothing')).toBeNull();

    const dir = await mkdtemp(join(tmpdir(), 'leadflow-migrations-'));
    try {
      await cp(paths.migrationsDir, join(dir, 'migrations'), { recursive: true });
      const schema = `${await readFile(paths.schemaPath, 'utf8')}\nmodel MigrationProbe {\n  id   Int    @id @default(autoincrement())\n  name String @unique\n\n  @@map("migration_probe")\n}\n`;
      await writeFile(join(dir, 'schema.prisma'), schema);
      const scratch = { schemaPath: join(dir, 'schema.prisma'), migrationsDir: join(dir, 'migrations') };

      const written = await createMigration(url, scratch, 'add_probe');
      expect(written).toMatch(/migrations\/\d{14}_add_probe$/);
      const sql = await readFile(join(resolve(written!), 'migration.sql'), 'utf8');
      expect(sql).toContain('CREATE TABLE "migration_probe"');
      expect(sql).not.toContain('CREATE TABLE "lead"');
      // The developer's database was not touched: only a throw-away shadow database was.
      expect(await query("SELECT 1 FROM pg_tables WHERE tablename = 'migration_probe'")).toEqual([]);
      expect(await pendingMigrations(url, scratch)).toEqual([written!.split('/').pop()]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const leftovers = await query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE '${name}_shadow_%'`);
    expect(leftovers).toEqual([]);
  });
});
