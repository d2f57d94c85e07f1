import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import type { Server } from 'node:http';

/** How long requests in flight may take to finish once shutdown starts. */
const DRAIN_TIMEOUT_MS = 25_000;

/**
 * SIGTERM, in order: stop accepting connections and answer readiness 503 at once (the first
 * shutdown hook), tell keep-alive clients to reconnect elsewhere, let the requests in flight finish
 * (Fastify's close waits for them), and only then close Postgres, Redis and the queues (their
 * hooks run last) — so nothing a platform was told "200" about is half-written.
 */
@Injectable()
export class ShutdownState implements OnModuleDestroy {
  private readonly logger = new Logger(ShutdownState.name);
  private inFlight = 0;
  draining = false;

  constructor(private readonly host: HttpAdapterHost) {}

  /** Counts requests in flight and waits for them when the server closes. */
  attach(fastify: FastifyInstance): void {
    // Counted on the raw response, which also ends for streams (the event stream) that skip Fastify's onResponse.
    fastify.addHook('onRequest', async (_req, reply) => {
      this.inFlight += 1;
      reply.raw.once('close', () => (this.inFlight -= 1));
    });
    fastify.addHook('onSend', async (_req, reply, payload) => {
      if (this.draining) void reply.header('connection', 'close');
      return payload;
    });
    fastify.addHook('preClose', async () => {
      const deadline = Date.now() + DRAIN_TIMEOUT_MS;
      while (this.inFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      if (this.inFlight > 0) this.logger.warn(`${this.inFlight} request(s) still running after ${DRAIN_TIMEOUT_MS} ms; closing anyway`);
    });
  }

  onModuleDestroy(): void {
    this.draining = true;
    const server = this.host.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server?.listening) return;
    this.logger.log(`shutting down: no new connections; finishing ${this.inFlight} request(s) in flight`);
    server.close(); // stops listening now; Fastify's close then waits for what is in flight
    server.closeIdleConnections();
  }
}
