import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '@leadflow/config';
import { Redis } from 'ioredis';
import { APP_CONFIG } from './config.module.js';

/** Injection token of a shared ioredis client for plain commands (rate limits, pub/sub publishing). */
export const REDIS = Symbol('REDIS');

@Injectable()
class RedisShutdown implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}

@Global()
@Module({
  providers: [
    // Fail a command fast while Redis is away instead of queueing it: callers decide what that means.
    { provide: REDIS, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false }) },
    RedisShutdown,
  ],
  exports: [REDIS],
})
export class RedisModule {}
