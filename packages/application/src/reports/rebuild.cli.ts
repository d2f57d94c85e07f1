#!/usr/bin/env node
// `pnpm reports:rebuild`: recomputes every report rollup from the leads and action runs — after rows
// were loaded with the counting triggers off, or when a process of an older version kept folding
// after a migration that added rollup rows. Lead and run writes wait while it runs (~9 min per
// million leads on two cores); webhooks are still accepted.
import { ConfigError, loadConfig, loadEnvFile } from '@leadflow/config';
import { createPrismaClient } from '@leadflow/db';
import { ReportRollups } from './report-rollups.service.js';

async function main(): Promise<void> {
  loadEnvFile();
  const { config } = loadConfig();
  const prisma = createPrismaClient(config.databaseUrl, { poolSize: 2 });
  try {
    const started = Date.now();
    const folded = await new ReportRollups(prisma).rebuild();
    console.log(`report rollups rebuilt from ${folded} counted changes in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await prisma.$disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : (error as Error).message);
  process.exit(1);
});
