import { sqlOf, type Prisma, type PrismaClient, type SqlRunner } from '@leadflow/db';

/** A Prisma client or an interactive transaction: helpers that write take either. */
export type Db = PrismaClient | Prisma.TransactionClient;
export type Tx = Prisma.TransactionClient;

/** Helpers written in SQL take any of these: a pg pool or transaction, or Prisma's client or transaction. */
export type AnyDb = Db | SqlRunner;

export function runnerOf(db: AnyDb): SqlRunner {
  return 'query' in db ? db : sqlOf(db);
}
