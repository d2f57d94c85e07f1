#!/usr/bin/env node
// `prisma generate` needs no database engine, but the CLI still tries to download the native
// schema engine at start (impossible offline). Point it at a placeholder so generation runs
// anywhere; migrations use Prisma's WebAssembly engine instead (packages/db/src/migrations).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const placeholder = fileURLToPath(new URL('../package.json', import.meta.url));
const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= placeholder;
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
const cli = createRequire(import.meta.url).resolve('prisma/build/index.js');
const result = spawnSync(process.execPath, [cli, 'generate'], { stdio: 'inherit', env });
if (result.error) console.error(`prisma generate could not start: ${result.error.message}`);
process.exit(result.status ?? 1);
