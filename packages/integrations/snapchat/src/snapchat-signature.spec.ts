import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { snapchatSignatureHeaders, verifySnapchatSignature } from './snapchat-signature.js';

// Computed independently: printf '1717000000.{"lead_id":"abc"}' | openssl dgst -sha256 -hmac snap-secret
const BODY = Buffer.from('{"lead_id":"abc"}');
const KNOWN = 'a5434336baf1a8fe81da47dcda06414276d30d70072d000ffa841b07fbc4161d';
const SIGNED_AT_MS = 1717000000 * 1000;
const base = { rawBody: BODY, signature: KNOWN, timestamp: '1717000000', secrets: ['snap-secret'], maxAgeSeconds: 300, nowMs: SIGNED_AT_MS + 60_000 };

describe('Snapchat signature', () => {
  it('accepts hex HMAC-SHA256 over "<t>.<raw body>"', () => {
    expect(verifySnapchatSignature(base)).toBe('valid');
    expect(snapchatSignatureHeaders(BODY, 'snap-secret', SIGNED_AT_MS)).toEqual({ signature: KNOWN, t: '1717000000' });
  });

  it('accepts a per-form secret or the account-wide one', () => {
    expect(verifySnapchatSignature({ ...base, secrets: ['form-secret', 'snap-secret'] })).toBe('valid');
    expect(verifySnapchatSignature({ ...base, secrets: ['form-secret', 'other'] })).toBe('invalid');
  });

  it('accepts a timestamp in milliseconds', () => {
    const ms = String(SIGNED_AT_MS);
    const signature = createHmac('sha256', 'snap-secret').update(`${ms}.`).update(BODY).digest('hex');
    expect(verifySnapchatSignature({ ...base, timestamp: ms, signature })).toBe('valid');
  });

  it('refuses stale and future timestamps beyond the allowed age', () => {
    expect(verifySnapchatSignature({ ...base, nowMs: SIGNED_AT_MS + 301_000 })).toBe('stale');
    expect(verifySnapchatSignature({ ...base, nowMs: SIGNED_AT_MS - 301_000 })).toBe('stale');
  });

  it('refuses a wrong signature, another body, or malformed headers', () => {
    expect(verifySnapchatSignature({ ...base, secrets: ['nope'] })).toBe('invalid');
    expect(verifySnapchatSignature({ ...base, rawBody: Buffer.from('{"lead_id":"abd"}') })).toBe('invalid');
    expect(verifySnapchatSignature({ ...base, timestamp: '1717000001' })).toBe('invalid');
    expect(verifySnapchatSignature({ ...base, timestamp: 'yesterday' })).toBe('invalid');
    expect(verifySnapchatSignature({ ...base, signature: 'abc' })).toBe('invalid');
  });

  it('reports missing headers as missing', () => {
    expect(verifySnapchatSignature({ ...base, signature: undefined })).toBe('missing');
    expect(verifySnapchatSignature({ ...base, timestamp: undefined })).toBe('missing');
  });
});
