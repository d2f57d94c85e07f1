import { Module, type DynamicModule } from '@nestjs/common';
import type { LoadedConfig } from '@leadflow/config';
import { LoggerModule } from 'nestjs-pino';
import { ConfigModule } from './config.module.js';
import { DatabaseModule } from './database.module.js';
import { loggerParams } from './logging.js';
import { MetricsModule } from './metrics.module.js';
import { QueueModule } from './queue.module.js';
import { RedisModule } from './redis.module.js';

/** Configuration, JSON logging, Postgres, the queues and metrics: what both the API and the worker stand on. */
@Module({})
export class RuntimeModule {
  static forRoot(loaded: LoadedConfig, app: 'api' | 'worker'): DynamicModule {
    return {
      module: RuntimeModule,
      imports: [ConfigModule.forRoot(loaded), LoggerModule.forRoot(loggerParams(loaded.config, app)), DatabaseModule, QueueModule.forRoot({ relayOutbox: app === 'worker' }), RedisModule, MetricsModule.forRoot(app)],
      exports: [ConfigModule, DatabaseModule, QueueModule, RedisModule, MetricsModule],
    };
  }
}
