import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '@leadflow/config';
import { lastPosition } from '@leadflow/application';
import { ChannelListener, SqlPool } from '@leadflow/db';
import { APP_CONFIG, REDIS } from '@leadflow/runtime';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { parsePosition, STREAM_START, toMessage, type StreamPosition } from './stream-message.js';
import { readFinalEvents } from './stream-store.js';

const TICK_MS = 250;
const LEASE_MS = 5_000;
/** Leadership is confirmed (and the lease renewed) this often, not on every pass. */
const CONFIRM_MS = LEASE_MS / 3;
/** Notifications come one per timeline step: a pass this much later carries them together. */
const COALESCE_MS = 20;
const PAGE = 500;

/** Redis keys and channel of the event stream. */
export function streamKeys(prefix: string) {
  return { channel: `${prefix}:stream`, leader: `${prefix}:stream:relay-leader`, published: `${prefix}:stream:published` };
}

/**
 * Moves committed stream events from Postgres to Redis pub/sub, in stream order, once. One API
 * instance at a time does it (a lease in Redis); every instance subscribes and serves its own
 * browsers. An event is published only when every transaction older than its own has ended, so a
 * slow transaction's event can never be skipped by a faster one.
 */
@Injectable()
export class StreamRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StreamRelay.name);
  private readonly me = randomUUID();
  private readonly keys: ReturnType<typeof streamKeys>;
  private timer?: NodeJS.Timeout;
  private wakeTimer?: NodeJS.Timeout;
  private readonly listener: ChannelListener;
  /** While leader: until when that needs no new confirmation, and where publishing stands. */
  private leaderUntil = 0;
  private watermark?: StreamPosition;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    // Through `pg`: a pass or two for every lead (Prisma's client cost ~1 ms of the API's CPU per lead).
    private readonly sql: SqlPool,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.keys = streamKeys(config.queue.prefix);
    // Postgres NOTIFY from the triggers: publish now rather than at the next tick.
    this.listener = new ChannelListener(config.databaseUrl, 'stream_event', () => this.wake());
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
    this.listener.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.wakeTimer);
    await this.running;
    await this.redis.eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0", 1, this.keys.leader, this.me).catch(() => undefined);
    await this.listener.stop();
  }

  private wake(): void {
    if (this.stopped || this.wakeTimer) return;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.tick();
    }, COALESCE_MS);
  }

  private tick(): void {
    if (this.stopped || this.running) return;
    this.running = this.publishIfLeader()
      .catch((error: Error) => {
        this.leaderUntil = 0; // confirm leadership and re-read the watermark on the next pass
        this.logger.warn(`stream relay pass failed: ${error.message}`);
      })
      .finally(() => (this.running = undefined));
  }

  private async publishIfLeader(): Promise<void> {
    if (Date.now() >= this.leaderUntil) {
      const confirmedAt = Date.now();
      const leader = (await this.redis.set(this.keys.leader, this.me, 'PX', LEASE_MS, 'NX')) === 'OK' || (await this.redis.get(this.keys.leader)) === this.me;
      if (!leader) return;
      await this.redis.pexpire(this.keys.leader, LEASE_MS);
      this.leaderUntil = confirmedAt + CONFIRM_MS;
      // Where the last leader (maybe another instance) stopped.
      this.watermark = parsePosition((await this.redis.get(this.keys.published)) ?? undefined);
      if (!this.watermark) {
        // First relay ever: start from what exists now (browsers catch up from Postgres on their own).
        const last = await lastPosition(this.sql, 'stream_event');
        this.watermark = last ? { tx: BigInt(last.tx), id: BigInt(last.id) } : STREAM_START;
        await this.redis.set(this.keys.published, positionKey(this.watermark));
      }
    }
    for (;;) {
      const rows = await readFinalEvents(this.sql, this.watermark!, PAGE);
      if (rows.length === 0) return;
      const pipeline = this.redis.multi();
      for (const row of rows) pipeline.publish(this.keys.channel, JSON.stringify(toMessage(row)));
      const last = rows[rows.length - 1]!;
      const watermark = { tx: BigInt(last.tx), id: last.id };
      pipeline.set(this.keys.published, positionKey(watermark));
      await pipeline.exec();
      this.watermark = watermark;
      // A short page is all there was: what commits next wakes another pass (no empty read per pass).
      if (rows.length < PAGE) return;
    }
  }
}

function positionKey(position: StreamPosition): string {
  return `${position.tx}-${position.id}`;
}
