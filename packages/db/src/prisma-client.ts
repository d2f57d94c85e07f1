import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.js';

export interface PrismaClientOptions {
  /** Connections in this process's pool. */
  poolSize?: number;
  /** Fail a query that waits longer than this for a connection, instead of hanging while Postgres is down. */
  connectionTimeoutMs?: number;
}

/** Prisma 7 talks to Postgres through the `pg` driver adapter (no native query engine). */
export function createPrismaClient(databaseUrl: string, options: PrismaClientOptions = {}): PrismaClient {
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
  });
  return new PrismaClient({ adapter });
}
