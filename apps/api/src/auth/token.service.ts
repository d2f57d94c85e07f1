import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '@leadflow/config';
import type { UserRole } from '@leadflow/contracts';
import { APP_CONFIG } from '@leadflow/runtime';
import { SignJWT, jwtVerify } from 'jose';

const ISSUER = 'leadflow';

/** Login tokens: HS256 JWTs naming the user and role, valid JWT_TTL_MINUTES. */
@Injectable()
export class TokenService {
  private readonly key: Uint8Array;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.key = new TextEncoder().encode(config.auth.jwtSecret);
  }

  get ttlSeconds(): number {
    return this.config.auth.jwtTtlMinutes * 60;
  }

  sign(userId: string, role: UserRole): Promise<string> {
    return new SignJWT({ role }).setProtectedHeader({ alg: 'HS256' }).setSubject(userId).setIssuer(ISSUER).setIssuedAt().setExpirationTime(`${this.ttlSeconds}s`).sign(this.key);
  }

  /** The user id, or undefined for a token that is forged, expired or not ours. */
  async verify(token: string): Promise<string | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, algorithms: ['HS256'] });
      return payload.sub;
    } catch {
      return undefined;
    }
  }
}
