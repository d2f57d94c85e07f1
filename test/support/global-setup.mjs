// Once per test run: a template database migrated by our own offline runner (the built
// packages/db, so this is exactly what `pnpm db:migrate` runs). Each test file copies it.
import { applyMigrations } from '@leadflow/db';
import { resolve } from 'node:path';
import pg from 'pg';

export const TEMPLATE_DATABASE = 'leadflow_test_template';
const server = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export async function dropTemplate() {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`).finally(() => client.end());
}

export default async function globalSetup() {
  await dropTemplate();
  const url = new URL(server);
  url.pathname = `/${TEMPLATE_DATABASE}`;
  await applyMigrations(url.toString(), { schemaPath: resolve('prisma/schema.prisma'), migrationsDir: resolve('prisma/migrations') });
}
