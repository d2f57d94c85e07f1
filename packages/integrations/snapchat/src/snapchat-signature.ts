import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SignatureCheck } from '@leadflow/integration-common';

export interface SnapchatSignatureInput {
  rawBody: Buffer;
  /** `signature` header: hex HMAC-SHA256 over `"<t>.<raw body>"`. */
  signature: string | undefined;
  /** `t` header: Unix time in seconds (milliseconds accepted too). */
  timestamp: string | undefined;
  /** Secrets that may have signed it: the form's own hmac_secret first, then the account-wide one. */
  secrets: string[];
  maxAgeSeconds: number;
  nowMs?: number;
}

function sign(secret: string, timestamp: string, rawBody: Buffer): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
}

export function verifySnapchatSignature(input: SnapchatSignatureInput): SignatureCheck {
  const { signature, timestamp, rawBody } = input;
  if (!signature || !timestamp) return 'missing';
  if (!/^\d{1,16}$/.test(timestamp) || !/^[0-9a-f]{64}$/i.test(signature)) return 'invalid';
  const given = Buffer.from(signature, 'hex');
  if (!input.secrets.some((secret) => timingSafeEqual(sign(secret, timestamp, rawBody), given))) return 'invalid';
  // Checked after the HMAC so a forged request cannot learn anything from the answer.
  const t = Number(timestamp);
  const signedAtMs = t > 1e12 ? t : t * 1000;
  const ageMs = Math.abs((input.nowMs ?? Date.now()) - signedAtMs);
  return ageMs > input.maxAgeSeconds * 1000 ? 'stale' : 'valid';
}

/** Headers Snapchat would send for this body (used by the simulator and `pnpm simulate`). */
export function snapchatSignatureHeaders(rawBody: Buffer | string, secret: string, nowMs = Date.now()): { signature: string; t: string } {
  const t = String(Math.floor(nowMs / 1000));
  return { signature: sign(secret, t, Buffer.from(rawBody)).toString('hex'), t };
}
