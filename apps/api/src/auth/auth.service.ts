import { Inject, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { ConflictError, InvalidRequestError, NotFoundError, RateLimitedError, hashApiKey, hashPassword, newApiKey, verifyPassword } from '@leadflow/application';
import type { AppConfig } from '@leadflow/config';
import type { ApiKeyCreated, ApiKeySummary, LoginResponse, User } from '@leadflow/contracts';
import { PrismaClient, type ApiKey as ApiKeyRow, type User as UserRow } from '@leadflow/db';
import { APP_CONFIG, REDIS } from '@leadflow/runtime';
import type { Redis } from 'ioredis';
import type { CreateUserDto, UpdateUserDto } from './dto/auth.dto.js';
import type { Principal } from './principal.js';
import { TokenService } from './token.service.js';

const LOGIN_WINDOW_SECONDS = 15 * 60;
// Verifying against this when the email is unknown takes as long as a real check: no user enumeration by timing.
let decoyHash: Promise<string> | undefined;

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    active: row.active,
    employeeId: row.employeeId ?? undefined,
    branchId: row.branchId ?? undefined,
    lastLoginAt: row.lastLoginAt?.toISOString(),
    createdAt: row.createdAt.toISOString(),
  };
}

function toApiKey(row: ApiKeyRow): ApiKeySummary {
  return { id: row.id, name: row.name, prefix: row.prefix, userId: row.userId, createdAt: row.createdAt.toISOString(), lastUsedAt: row.lastUsedAt?.toISOString(), revokedAt: row.revokedAt?.toISOString() };
}

/** Sign-in, users and API keys. */
@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly prisma: PrismaClient,
    private readonly tokens: TokenService,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Email + password → token. Failed attempts per email and address are limited (429 with Retry-After). */
  async login(email: string, password: string, address: string): Promise<LoginResponse> {
    const key = `${this.config.queue.prefix}:login-failures:${address}:${email.toLowerCase()}`;
    await this.refuseWhenLimited(key);
    const user = await this.prisma.user.findUnique({ where: { email: email.toLowerCase() } });
    decoyHash ??= hashPassword('decoy password');
    const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyHash));
    if (!user || !ok || !user.active) {
      await this.redis.multi().incr(key).expire(key, LOGIN_WINDOW_SECONDS).exec().catch(() => undefined);
      throw new UnauthorizedException('email or password is wrong');
    }
    await this.redis.del(key).catch(() => undefined);
    const signedIn = await this.prisma.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
    return { accessToken: await this.tokens.sign(user.id, user.role), tokenType: 'Bearer', expiresIn: this.tokens.ttlSeconds, user: toUser(signedIn) };
  }

  async me(principal: Principal): Promise<User> {
    if (!principal.userId) {
      return { id: '00000000-0000-0000-0000-000000000000', email: 'bootstrap', name: principal.name, role: 'admin', active: true, createdAt: new Date(0).toISOString() };
    }
    return toUser(await this.prisma.user.findUniqueOrThrow({ where: { id: principal.userId } }));
  }

  async listUsers(): Promise<User[]> {
    return (await this.prisma.user.findMany({ orderBy: { email: 'asc' } })).map(toUser);
  }

  async createUser(input: CreateUserDto): Promise<User> {
    await this.checkScope(input);
    const { password, ...rest } = input;
    return toUser(await this.prisma.user.create({ data: { ...rest, email: input.email.toLowerCase(), passwordHash: await hashPassword(password) } }));
  }

  async updateUser(id: string, input: UpdateUserDto): Promise<User> {
    const current = await this.prisma.user.findUnique({ where: { id } });
    if (!current) throw new NotFoundError(`user ${id} does not exist`);
    await this.checkScope({ role: current.role, employeeId: current.employeeId, branchId: current.branchId, ...input });
    const { password, ...rest } = input;
    return toUser(await this.prisma.user.update({ where: { id }, data: { ...rest, email: input.email?.toLowerCase(), passwordHash: password ? await hashPassword(password) : undefined } }));
  }

  async deleteUser(id: string, principal: Principal): Promise<void> {
    if (id === principal.userId) throw new ConflictError('you cannot delete yourself');
    const { count } = await this.prisma.user.deleteMany({ where: { id } });
    if (!count) throw new NotFoundError(`user ${id} does not exist`);
  }

  async createApiKey(principal: Principal, name: string): Promise<ApiKeyCreated> {
    if (!principal.userId) throw new InvalidRequestError('the bootstrap key cannot own API keys: sign in as a user');
    const key = newApiKey();
    const row = await this.prisma.apiKey.create({ data: { userId: principal.userId, name, prefix: key.slice(0, 8), keyHash: hashApiKey(key) } });
    return { ...toApiKey(row), key };
  }

  async listApiKeys(principal: Principal): Promise<ApiKeySummary[]> {
    const rows = await this.prisma.apiKey.findMany({ where: principal.role === 'admin' ? {} : { userId: principal.userId }, orderBy: { createdAt: 'desc' } });
    return rows.map(toApiKey);
  }

  async revokeApiKey(principal: Principal, id: string): Promise<void> {
    const key = await this.prisma.apiKey.findUnique({ where: { id } });
    if (!key || (principal.role !== 'admin' && key.userId !== principal.userId)) throw new NotFoundError(`API key ${id} does not exist`);
    await this.prisma.apiKey.update({ where: { id }, data: { revokedAt: key.revokedAt ?? new Date() } });
  }

  private async refuseWhenLimited(key: string): Promise<void> {
    // Redis away: allow the attempt (the password check still runs) rather than lock everyone out.
    const [failures, ttl] = await Promise.all([this.redis.get(key), this.redis.ttl(key)]).catch((error: Error) => {
      this.logger.warn(`login rate limit unavailable: ${error.message}`);
      return [null, -1] as const;
    });
    if (Number(failures ?? 0) >= this.config.auth.loginMaxAttempts) {
      const seconds = Math.max(1, ttl);
      throw new RateLimitedError(`too many failed sign-ins; try again in ${seconds} seconds`, seconds);
    }
  }

  private async checkScope(user: { role?: string; employeeId?: string | null; branchId?: string | null }): Promise<void> {
    if (user.role === 'agent' && !user.employeeId) throw new InvalidRequestError('an agent must be linked to an employee (employeeId)');
    if (user.role === 'manager' && !user.branchId) throw new InvalidRequestError('a manager needs the branch they manage (branchId)');
    if (user.employeeId && !(await this.prisma.employee.findUnique({ where: { id: user.employeeId } }))) throw new InvalidRequestError(`employee ${user.employeeId} does not exist`);
    if (user.branchId && !(await this.prisma.branch.findUnique({ where: { id: user.branchId } }))) throw new InvalidRequestError(`branch ${user.branchId} does not exist`);
  }
}
