import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { LoadedConfig } from '@leadflow/config';
import { Logger } from 'nestjs-pino';
import { WorkerModule } from './worker.module.js';

/** The worker as main.ts runs it and as the tests run it. */
export async function createWorkerApp(loaded: LoadedConfig): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(loaded), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  return app;
}
