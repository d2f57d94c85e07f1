#!/usr/bin/env node
// `pnpm db:migrate` → deploy; `pnpm db:migrate:create <name>` → create. Works offline (WebAssembly engine).
import { resolve } from 'node:path';
import { VARIABLES, loadEnvFile } from '@leadflow/config';
import { applyMigrations, createMigration } from './migration-runner.js';

async function main(): Promise<void> {
  loadEnvFile();
  const [command, name] = process.argv.slice(2);
  const databaseUrl = process.env.DATABASE_URL || VARIABLES.DATABASE_URL.default;
  const paths = { schemaPath: resolve('prisma/schema.prisma'), migrationsDir: resolve('prisma/migrations') };
  const where = new URL(databaseUrl);
  if (command === 'deploy') {
    const applied = await applyMigrations(databaseUrl, paths);
    console.log(applied.length ? `applied ${applied.length} migration(s) to ${where.host}${where.pathname}: ${applied.join(', ')}` : `database ${where.host}${where.pathname} is up to date`);
  } else if (command === 'create') {
    if (!name || !/^[a-z0-9_]+$/.test(name)) throw new Error('usage: db:migrate:create <name> (lower-case letters, digits and _)');
    const dir = await createMigration(databaseUrl, paths, name);
    console.log(dir ? `wrote ${dir}/migration.sql` : 'schema.prisma matches the migrations: nothing to write');
  } else {
    throw new Error('usage: migrate.cli.js deploy | create <name>');
  }
}

main().catch((error: Error) => {
  console.error(`migration failed: ${error.message}`);
  process.exit(1);
});
