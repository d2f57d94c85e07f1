import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SignatureCheck } from '@leadflow/integration-common';

const HEADER_FORMAT = /^sha256=([0-9a-f]{64})$/i;

/** `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>`, compared in constant time. */
export function verifyMetaSignature(rawBody: Buffer, header: string | undefined, appSecret: string): SignatureCheck {
  if (!header) return 'missing';
  const match = HEADER_FORMAT.exec(header.trim());
  if (!match) return 'invalid';
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(match[1]!, 'hex')) ? 'valid' : 'invalid';
}

/** The header value Meta would send for this body (used by the simulator and `pnpm simulate`). */
export function metaSignatureHeader(rawBody: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}
