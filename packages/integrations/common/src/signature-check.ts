/** Outcome of checking a webhook's authenticity; only `valid` may be stored. */
export type SignatureCheck = 'valid' | 'missing' | 'invalid' | 'stale';
