import { Prisma, sqlOf, type PrismaClient, type SqlRunner } from '@leadflow/db';

/** A Prisma client or an interactive transaction: helpers that write take either. */
export type Db = PrismaClient | Prisma.TransactionClient;
export type Tx = Prisma.TransactionClient;

/** Helpers written in SQL take any of these: a pg pool or transaction, or Prisma's client or transaction. */
export type AnyDb = Db | SqlRunner;

export function runnerOf(db: AnyDb): SqlRunner {
  return 'query' in db ? db : sqlOf(db);
}

const CONFLICT_SQLSTATES = new Set(['40P01', '40001']);

/**
 * Postgres aborted the transaction to break a deadlock or a serialization conflict — through Prisma
 * (P2034, or a raw query's P2010 carrying the SQLSTATE) or through pg (the SQLSTATE as `code`):
 * nothing of it was written, and it may run again.
 */
export function isWriteConflict(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    return error.code === 'P2034' || (error.code === 'P2010' && CONFLICT_SQLSTATES.has(String((error.meta as { code?: unknown } | undefined)?.code)));
  }
  return error instanceof Error && CONFLICT_SQLSTATES.has(String((error as { code?: unknown }).code));
}

/**
 * A transaction (or a lone statement) run again, after a short random pause, when Postgres aborted
 * it to break a deadlock with another writer (two transactions taking the same rows' locks in
 * different orders — a person's change to a lead and the router, say): nothing of it was written.
 * Up to `attempts` runs; the last conflict is thrown (the API answers it 409).
 */
export async function retryingConflicts<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!isWriteConflict(error) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.round(20 * attempt * (0.5 + Math.random()))));
    }
  }
}

/** A Prisma interactive transaction under `retryingConflicts`. */
export function transactionRetryingConflicts<T>(prisma: PrismaClient, work: (tx: Tx) => Promise<T>, attempts = 3): Promise<T> {
  return retryingConflicts(() => prisma.$transaction(work), attempts);
}
