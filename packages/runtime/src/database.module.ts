import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '@leadflow/config';
import { PrismaClient, SqlPool, createPrismaClient } from '@leadflow/db';
import { APP_CONFIG } from './config.module.js';

@Injectable()
class DatabaseShutdown implements OnApplicationShutdown {
  constructor(
    @Inject(PrismaClient) private readonly prisma: PrismaClient,
    @Inject(SqlPool) private readonly sql: SqlPool,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.prisma.$disconnect(), this.sql.end()]);
  }
}

/**
 * One Prisma client per process, injected by its class: `constructor(private prisma: PrismaClient)`;
 * and one `pg` pool (`SqlPool`) for the few per-lead paths written in SQL. Each pool opens its
 * connections only when used.
 */
@Global()
@Module({
  providers: [
    { provide: PrismaClient, inject: [APP_CONFIG], useFactory: (config: AppConfig) => createPrismaClient(config.databaseUrl, { poolSize: 10 }) },
    { provide: SqlPool, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new SqlPool(config.databaseUrl, { poolSize: 10 }) },
    DatabaseShutdown,
  ],
  exports: [PrismaClient, SqlPool],
})
export class DatabaseModule {}
