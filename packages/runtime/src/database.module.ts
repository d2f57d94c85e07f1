import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '@leadflow/config';
import { PrismaClient, createPrismaClient } from '@leadflow/db';
import { APP_CONFIG } from './config.module.js';

@Injectable()
class DatabaseShutdown implements OnApplicationShutdown {
  constructor(@Inject(PrismaClient) private readonly prisma: PrismaClient) {}

  async onApplicationShutdown(): Promise<void> {
    await this.prisma.$disconnect();
  }
}

/** One Prisma client per process, injected by its class: `constructor(private prisma: PrismaClient)`. */
@Global()
@Module({
  providers: [
    { provide: PrismaClient, inject: [APP_CONFIG], useFactory: (config: AppConfig) => createPrismaClient(config.databaseUrl, { poolSize: 10 }) },
    DatabaseShutdown,
  ],
  exports: [PrismaClient],
})
export class DatabaseModule {}
