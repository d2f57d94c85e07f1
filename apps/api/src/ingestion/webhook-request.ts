import { BadRequestException, ForbiddenException, UnauthorizedException } from '@nestjs/common';
import { InvalidPayloadError, safeEqual, type SignatureCheck } from '@leadflow/integration-common';
import type { RawBodyRequest } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

export type WebhookRequest = RawBodyRequest<FastifyRequest>;

/** The bytes the platform signed: the parsed body cannot be used, re-serialized JSON differs. */
export function rawBodyOf(req: WebhookRequest): Buffer {
  if (!req.rawBody || req.rawBody.length === 0) throw new BadRequestException('request body is empty');
  return req.rawBody;
}

/** 401 when there is no proof at all, 403 when the proof is wrong. Nothing is stored either way. */
export function assertAuthentic(check: SignatureCheck, what: string): void {
  if (check === 'missing') throw new UnauthorizedException(`${what} is missing`);
  if (check === 'stale') throw new UnauthorizedException(`${what} timestamp is too old or too far in the future`);
  if (check === 'invalid') throw new ForbiddenException(`${what} does not match`);
}

/** Runs a platform payload parser; a body that is not the documented shape is a 400 naming the field. */
export function parsePayload<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof InvalidPayloadError) throw new BadRequestException(`malformed payload: ${error.message}`);
    throw error;
  }
}

/** Headers kept with the raw delivery for audit; signatures are kept (they are not secrets), tokens are not. */
export function auditHeaders(req: FastifyRequest, names: string[]): Record<string, string | undefined> {
  const kept: Record<string, string | undefined> = {};
  for (const name of ['content-type', 'user-agent', ...names]) {
    const value = req.headers[name];
    if (value !== undefined) kept[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return kept;
}

/** Meta's subscription handshake (Lead Ads and WhatsApp): the challenge back when the token matches. */
export function answerHandshake(query: { mode?: string; token?: string; challenge?: string }, verifyToken: string): string {
  const { mode, token, challenge } = query;
  if (typeof challenge !== 'string' || challenge === '' || challenge.length > 256) throw new BadRequestException('hub.challenge is required');
  if (mode !== 'subscribe') throw new ForbiddenException('hub.mode must be "subscribe"');
  if (typeof token !== 'string' || !safeEqual(token, verifyToken)) throw new ForbiddenException('hub.verify_token does not match');
  return challenge;
}
