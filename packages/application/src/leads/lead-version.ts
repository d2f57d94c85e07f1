import { ConflictError } from '../errors.js';

/** A lead's version: its last update, in milliseconds. Clients send it back as `If-Match`. */
export function leadVersion(updatedAt: Date): string {
  return String(updatedAt.getTime());
}

/** Optimistic concurrency: refuse a write based on a lead read before its last change. */
export function assertVersion(expected: string | undefined, updatedAt: Date): void {
  if (expected !== undefined && expected !== leadVersion(updatedAt)) {
    throw new ConflictError(`the lead changed since you read it (you had version ${expected}, it is now ${leadVersion(updatedAt)}); reload it and try again`);
  }
}
