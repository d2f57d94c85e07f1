import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { LoadedConfig } from '@leadflow/config';
import { Logger } from 'nestjs-pino';
import { Metrics, requestIdOf } from '@leadflow/runtime';
import { ApiModule } from '../app.module.js';
import { serializeJson } from '../common/json-reply.js';
import { ShutdownState } from '../health/shutdown-state.js';
import { recordWebhookMetrics } from '../ingestion/webhook-metrics.js';
import { mountQueueBoard } from '../ops/queue-board.js';
import { mountSwagger } from './swagger.js';

// Meta batches up to 1000 changes per delivery; leave room above Fastify's 1 MiB default.
const BODY_LIMIT_BYTES = 5 * 1024 * 1024;

// The close waits for requests in flight (ShutdownState): give it longer than Fastify's 10 s plugin timeout.
const adapter = () => new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES, genReqId: requestIdOf, pluginTimeout: 30_000 });

/** The API as main.ts runs it and as the tests run it: same pipes, raw bodies, docs. */
export async function createApiApp(loaded: LoadedConfig): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(loaded), adapter(), {
    rawBody: true, // webhook signatures are over the exact bytes received
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.enableShutdownHooks();
  const fastify = app.getHttpAdapter().getInstance();
  // Fastify sends a Buffer as it is (typed as a string serializer only).
  fastify.setReplySerializer(serializeJson as (payload: unknown) => string);
  app.get(ShutdownState).attach(fastify);
  fastify.addHook('onRequest', async (req, reply) => {
    void reply.header('x-request-id', req.id);
  });
  recordWebhookMetrics(fastify, app.get(Metrics));
  mountSwagger(app);
  await mountQueueBoard(app);
  return app;
}
