import { describe, expect, it } from '@jest/globals';
import { metaSignatureHeader, verifyMetaSignature } from './meta-signature.js';

// Computed independently: printf '{"object":"page","entry":[]}' | openssl dgst -sha256 -hmac test-secret
const BODY = Buffer.from('{"object":"page","entry":[]}');
const KNOWN = 'sha256=b5a88eb16fa1b0bd3526754d185ffe266abe023a8d0d305aa57e5f244aaf399d';

describe('Meta X-Hub-Signature-256', () => {
  it('accepts the HMAC-SHA256 of the raw bytes with the app secret', () => {
    expect(verifyMetaSignature(BODY, KNOWN, 'test-secret')).toBe('valid');
    expect(verifyMetaSignature(BODY, KNOWN.toUpperCase().replace('SHA256=', 'sha256='), 'test-secret')).toBe('valid');
    expect(metaSignatureHeader(BODY, 'test-secret')).toBe(KNOWN);
  });

  it('refuses another secret, other bytes (re-serialized JSON) and malformed headers', () => {
    expect(verifyMetaSignature(BODY, KNOWN, 'other-secret')).toBe('invalid');
    expect(verifyMetaSignature(Buffer.from('{"object": "page", "entry": []}'), KNOWN, 'test-secret')).toBe('invalid');
    expect(verifyMetaSignature(BODY, 'sha1=b5a88eb16fa1b0bd3526754d185ffe266abe023a', 'test-secret')).toBe('invalid');
    expect(verifyMetaSignature(BODY, 'sha256=zz', 'test-secret')).toBe('invalid');
  });

  it('reports a missing header as missing', () => {
    expect(verifyMetaSignature(BODY, undefined, 'test-secret')).toBe('missing');
    expect(verifyMetaSignature(BODY, '', 'test-secret')).toBe('missing');
  });
});
