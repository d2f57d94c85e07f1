import { BadRequestException } from '@nestjs/common';

/** Position in a list ordered by (time desc, id desc): stable while new rows keep arriving at the top. */
export interface Cursor {
  at: Date;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.at.toISOString(), cursor.id])).toString('base64url');
}

export function decodeCursor(value: string): Cursor {
  try {
    const [at, id] = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as [string, string];
    const date = new Date(at);
    if (typeof id !== 'string' || Number.isNaN(date.getTime())) throw new Error('bad cursor');
    return { at: date, id };
  } catch {
    throw new BadRequestException('cursor is not valid: pass back the nextCursor of a previous page');
  }
}

/** Rows strictly after the cursor in (field, id) order, both descending or both ascending. */
function afterCursor(field: string, cursor: Cursor | undefined, direction: 'asc' | 'desc'): Record<string, unknown> {
  if (!cursor) return {};
  const beyond = direction === 'desc' ? 'lt' : 'gt';
  return { OR: [{ [field]: { [beyond]: cursor.at } }, { [field]: cursor.at, id: { [beyond]: cursor.id } }] };
}

/** Takes one row more than asked to know whether a next page exists. */
function pageOf<T extends { id: string }>(rows: T[], limit: number, timeOf: (row: T) => Date): { rows: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { rows, nextCursor: null };
  const page = rows.slice(0, limit);
  const last = page[page.length - 1]!;
  return { rows: page, nextCursor: encodeCursor({ at: timeOf(last), id: last.id }) };
}

/**
 * One page of a list ordered by `field` then id (newest first unless `asc`): `fetch` runs the query
 * with the cursor condition, order and size given; one row more than the limit tells whether a next
 * page exists. Keyset paging: rows inserted meanwhile never shift or repeat the pages that follow.
 */
export async function pageBy<T extends { id: string }>(
  field: string,
  query: { cursor?: string; limit: number },
  fetch: (page: { after: Record<string, unknown>; orderBy: Record<string, 'asc' | 'desc'>[]; take: number }) => Promise<T[]>,
  direction: 'asc' | 'desc' = 'desc',
): Promise<{ rows: T[]; nextCursor: string | null }> {
  const after = afterCursor(field, query.cursor ? decodeCursor(query.cursor) : undefined, direction);
  const rows = await fetch({ after, orderBy: [{ [field]: direction }, { id: direction }], take: query.limit + 1 });
  return pageOf(rows, query.limit, (row) => (row as unknown as Record<string, Date>)[field]!);
}
