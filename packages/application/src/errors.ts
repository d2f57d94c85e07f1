/**
 * Failures of a use case that are the caller's to fix. The API turns them into 404 / 409 / 400
 * with the message; the worker treats them as permanent.
 */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

export class ConflictError extends Error {
  override readonly name = 'ConflictError';
}

export class InvalidRequestError extends Error {
  override readonly name = 'InvalidRequestError';

  /** Several problems at once (one sentence each), like a validation error list. */
  constructor(message: string | string[]) {
    super(Array.isArray(message) ? message.join('; ') : message);
    this.problems = Array.isArray(message) ? message : undefined;
  }

  readonly problems?: string[];
}

/** Too many attempts (sign-in): the API answers 429 with Retry-After. */
export class RateLimitedError extends Error {
  override readonly name = 'RateLimitedError';

  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
