/**
 * Every connector maps its vendor's failures to one of these codes once; retry policy reads only
 * the code. TEMPORARY and RATE_LIMITED are worth retrying; the others need a person (a new token,
 * a fixed form) and then a replay. UNCERTAIN: an earlier attempt may have done it (a worker died
 * mid-call to a system with no idempotency key), so a person checks before it is done again.
 */
export type IntegrationErrorCode = 'TEMPORARY' | 'RATE_LIMITED' | 'AUTH' | 'INVALID' | 'NOT_FOUND' | 'UNCERTAIN';

export class IntegrationError extends Error {
  constructor(
    readonly service: string,
    readonly code: IntegrationErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(`${service} ${code}: ${message}`);
    this.name = 'IntegrationError';
  }

  get retryable(): boolean {
    return this.code === 'TEMPORARY' || this.code === 'RATE_LIMITED';
  }
}

/** Errors thrown by code that is not a connector are treated as temporary: retry, then dead-letter. */
export function isRetryable(error: unknown): boolean {
  return error instanceof IntegrationError ? error.retryable : true;
}

/** HTTP status → code, for APIs whose error bodies say nothing more specific. */
export function codeForHttpStatus(status: number): IntegrationErrorCode {
  if (status === 401 || status === 403) return 'AUTH';
  if (status === 404 || status === 410) return 'NOT_FOUND';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 408 || status >= 500) return 'TEMPORARY';
  return 'INVALID';
}
