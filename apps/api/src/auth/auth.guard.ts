import { ForbiddenException, Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { hashApiKey } from '@leadflow/application';
import type { AppConfig } from '@leadflow/config';
import type { UserRole } from '@leadflow/contracts';
import { PrismaClient, type User as UserRow } from '@leadflow/db';
import { safeEqual } from '@leadflow/integration-common';
import { APP_CONFIG } from '@leadflow/runtime';
import type { FastifyRequest } from 'fastify';
import { requestCredential } from './bearer.js';
import { ROLES, type Principal } from './principal.js';
import { IS_PUBLIC } from './public.decorator.js';
import { TokenService } from './token.service.js';

const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/;

export function principalOf(user: UserRow): Principal {
  return { kind: 'user', userId: user.id, role: user.role, name: user.name, employeeId: user.employeeId ?? undefined, branchId: user.branchId ?? undefined };
}

/**
 * Every route needs a bearer credential unless @Public(): a login token (JWT), an API key, or the
 * bootstrap ADMIN_API_KEY. Browsers' EventSource cannot send headers, so `?access_token=` is read
 * too (and redacted from logs). @Roles narrows a route to some roles.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly prisma: PrismaClient,
    private readonly tokens: TokenService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = context.switchToHttp().getRequest<FastifyRequest & { principal?: Principal }>();
    const credential = requestCredential(req);
    if (!credential) throw new UnauthorizedException('Authorization: Bearer <token or api key> is required');
    const principal = await this.resolvePrincipal(credential);
    if (!principal) throw new UnauthorizedException('the token or API key is not valid');
    const roles = this.reflector.getAllAndOverride<UserRole[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(principal.role)) throw new ForbiddenException(`this needs the ${roles.join(' or ')} role`);
    req.principal = principal;
    return true;
  }

  /** Who a credential (JWT, API key or the bootstrap key) belongs to; undefined when it is not valid. */
  async resolvePrincipal(credential: string): Promise<Principal | undefined> {
    if (safeEqual(credential, this.config.adminApiKey)) return { kind: 'bootstrap', role: 'admin', name: 'bootstrap admin key' };
    if (JWT.test(credential)) {
      const userId = await this.tokens.verify(credential);
      const user = userId ? await this.prisma.user.findUnique({ where: { id: userId } }) : null;
      return user?.active ? principalOf(user) : undefined;
    }
    const key = await this.prisma.apiKey.findUnique({ where: { keyHash: hashApiKey(credential) }, include: { user: true } });
    if (!key || key.revokedAt || !key.user.active) return undefined;
    // Good enough precision for "last used", without a write on every request.
    if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > 60_000) void this.prisma.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: new Date() } }).catch(() => undefined);
    return principalOf(key.user);
  }
}
