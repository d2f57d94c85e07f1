#!/usr/bin/env node
// `pnpm db:seed`: the demo company (branches, teams, people, routing rules, automations), a user per
// person with the demo password, and 90 days of lead history. Idempotent; refuses production.
import { ConfigError, loadConfig, loadEnvFile } from '@leadflow/config';
import { createPrismaClient } from '@leadflow/db';
import { seedDemo } from './demo-seed.js';
import { DEMO_PASSWORD } from './demo-users.js';

async function main(): Promise<void> {
  loadEnvFile();
  const { config } = loadConfig();
  if (config.nodeEnv === 'production') throw new Error('db:seed writes demo users with a published password: it does not run with NODE_ENV=production');
  const prisma = createPrismaClient(config.databaseUrl, { poolSize: 2 });
  try {
    const started = Date.now();
    const report = await seedDemo(prisma);
    console.log(report.organisation ? 'seeded the demo organisation: Riyadh HQ, Jeddah and Dubai with teams, people, routing rules and automations' : 'organisation: already there, left as it is');
    console.log(report.leads ? `seeded ${report.leads} leads over the last 90 days` : 'lead history: already there, left as it is');
    console.log(`demo users (password "${DEMO_PASSWORD}"):`);
    for (const user of report.users) console.log(`  ${user.role.padEnd(7)} ${user.email.padEnd(26)} sees ${user.sees}`);
    console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await prisma.$disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : (error as Error).message);
  process.exit(1);
});
