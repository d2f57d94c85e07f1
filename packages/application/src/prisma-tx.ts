import type { Prisma, PrismaClient } from '@leadflow/db';

/** A Prisma client or an interactive transaction: helpers that write take either. */
export type Db = PrismaClient | Prisma.TransactionClient;
export type Tx = Prisma.TransactionClient;
