import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { LoadedConfig } from '@leadflow/config';
import { Logger } from 'nestjs-pino';
import { ApiModule } from '../app.module.js';
import { mountSwagger } from './swagger.js';

// Meta batches up to 1000 changes per delivery; leave room above Fastify's 1 MiB default.
const BODY_LIMIT_BYTES = 5 * 1024 * 1024;

/** The API as main.ts runs it and as the tests run it: same pipes, raw bodies, docs. */
export async function createApiApp(loaded: LoadedConfig): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(loaded), new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES }), {
    rawBody: true, // webhook signatures are over the exact bytes received
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.enableShutdownHooks();
  mountSwagger(app);
  return app;
}
