import type { PrismaClient } from '@leadflow/db';
import { seedDemoHistory, type DemoHistoryOptions } from './demo-history.js';
import { seedDemoOrganisation } from './demo-organisation.js';
import { seedDemoUsers, type DemoUser } from './demo-users.js';

export interface DemoSeedReport {
  organisation: boolean;
  users: DemoUser[];
  /** Leads written now (0 when the history was already there). */
  leads: number;
}

/** `pnpm db:seed`: organisation, users, history. Each part writes only what is missing, so re-running duplicates nothing. */
export async function seedDemo(prisma: PrismaClient, history: DemoHistoryOptions = {}): Promise<DemoSeedReport> {
  const organisation = await seedDemoOrganisation(prisma);
  const users = await seedDemoUsers(prisma);
  const leads = await seedDemoHistory(prisma, history);
  return { organisation, users, leads };
}
