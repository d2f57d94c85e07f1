import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '@leadflow/config';
import { SqlPool } from '@leadflow/db';
import { APP_CONFIG } from '@leadflow/runtime';
import { Redis } from 'ioredis';
import type { ServerResponse } from 'node:http';
import { AuthGuard } from '../auth/auth.guard.js';
import type { Principal } from '../auth/principal.js';
import { isAfter, parsePosition, sseFrame, STREAM_START, toMessage, visibleTo, type StreamMessage, type StreamPosition } from './stream-message.js';
import { readFinalEvents } from './stream-store.js';
import { streamKeys } from './stream-relay.service.js';

const CATCH_UP_PAGE = 500;

interface Client {
  principal: Principal;
  /** The token or key the stream was opened with, checked again on every heartbeat. */
  credential: string;
  out: ServerResponse;
  /** Last position sent: live messages at or before it (already sent by the catch-up) are skipped. */
  last: StreamPosition;
  /** Live messages that arrive while the catch-up is still reading Postgres. */
  buffer?: StreamMessage[];
}

/**
 * Serves `GET /crm/events` on this instance: every instance subscribes to the relay's Redis
 * channel and writes each message to the browsers that may see it. A browser that reconnects with
 * Last-Event-ID first gets what it missed from Postgres, then the live stream, without gaps or repeats.
 */
@Injectable()
export class EventStream implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(EventStream.name);
  private readonly clients = new Set<Client>();
  private readonly subscriber: Redis;
  private heartbeat?: NodeJS.Timeout;
  private readonly heartbeatMs: number;
  /** The credential check in progress (a slow one is not started again on top of itself). */
  private rechecking?: Promise<void>;

  constructor(
    // Through `pg`, as the relay: a reconnecting browser's catch-up reads pages of the feed.
    private readonly sql: SqlPool,
    private readonly auth: AuthGuard,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.heartbeatMs = config.sseHeartbeatMs;
    this.subscriber = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: null });
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (_channel: string, raw: string) => this.deliver(JSON.parse(raw) as StreamMessage));
    this.channel = streamKeys(config.queue.prefix).channel;
  }

  private readonly channel: string;

  async onApplicationBootstrap(): Promise<void> {
    await this.subscriber.connect().then(() => this.subscriber.subscribe(this.channel)).catch((error: Error) => this.logger.warn(`event stream not subscribed yet: ${error.message}`));
    this.heartbeat = setInterval(() => {
      for (const client of this.clients) client.out.write(': keep-alive\n\n');
      this.rechecking ??= this.recheckCredentials().finally(() => (this.rechecking = undefined));
    }, this.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Before the HTTP server closes: it waits for open connections, and a stream never ends on its own. */
  beforeApplicationShutdown(): void {
    clearInterval(this.heartbeat);
    for (const client of this.clients) client.out.end();
    this.clients.clear();
  }

  onApplicationShutdown(): void {
    this.subscriber.disconnect();
  }

  /** Starts a stream on a hijacked response; resumes after `lastEventId` when given. */
  async open(principal: Principal, credential: string, out: ServerResponse, lastEventId?: string): Promise<void> {
    out.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    out.write('retry: 3000\n\n');
    const client: Client = { principal, credential, out, last: STREAM_START, buffer: [] };
    this.clients.add(client);
    out.on('close', () => this.clients.delete(client));
    const resumeFrom = parsePosition(lastEventId);
    if (resumeFrom) {
      client.last = resumeFrom;
      // Only final events: anything later comes live, in order, and duplicates are skipped by position.
      for (let after = resumeFrom; ; ) {
        const rows = await readFinalEvents(this.sql, after, CATCH_UP_PAGE);
        for (const row of rows) this.send(client, toMessage(row));
        if (rows.length < CATCH_UP_PAGE || out.destroyed) break;
        after = client.last;
      }
    }
    const buffered = client.buffer ?? [];
    client.buffer = undefined;
    for (const message of buffered) this.send(client, message);
  }

  /**
   * A stream lives longer than the request that opened it: its token may expire, its key be
   * revoked, its user be deactivated or change role. Ends the streams no longer allowed and lets
   * the others see what their user may see now. A failed check (database away) keeps the stream.
   */
  private async recheckCredentials(): Promise<void> {
    for (const client of this.clients) {
      if (client.buffer) continue; // still catching up; checked on the next beat
      const principal = await this.auth.resolvePrincipal(client.credential).catch(() => client.principal);
      if (principal) client.principal = principal;
      else {
        client.out.end('event: unauthorized\ndata: {"reason":"the token or API key is no longer valid"}\n\n');
        this.clients.delete(client);
      }
    }
  }

  /** Open streams on this instance (for health and tests). */
  get connections(): number {
    return this.clients.size;
  }

  private deliver(message: StreamMessage): void {
    for (const client of this.clients) {
      if (client.buffer) client.buffer.push(message);
      else this.send(client, message);
    }
  }

  private send(client: Client, message: StreamMessage): void {
    const position = parsePosition(message.id);
    if (!position || !isAfter(position, client.last)) return;
    client.last = position;
    if (visibleTo(client.principal, message)) client.out.write(sseFrame(message));
  }
}
