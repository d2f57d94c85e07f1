import { setTimeout as sleep } from 'node:timers/promises';

/** Spaces the requests to one spreadsheet: `acquire` resolves when the caller may send its next one. */
export interface RequestPacer {
  acquire(): Promise<void>;
}

/** Paces the requests of this process only. */
export class LocalPacer implements RequestPacer {
  private nextAt = 0;

  constructor(private readonly intervalMs: number) {}

  async acquire(): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, this.nextAt);
    this.nextAt = at + this.intervalMs;
    if (at > now) await sleep(at - now);
  }
}

/** The part of a Redis client the shared pacer uses (ioredis' `eval`). */
export interface RedisEval {
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

// Reserves the next free slot and returns how long the caller waits for it. Redis' clock, so the
// workers' own clocks need not agree; the key expires once nobody has written for a minute.
const RESERVE_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local at = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], at + interval, 'PX', at - now + interval + 60000)
return at - now`;

/**
 * Paces the requests of every worker process together (the quota is the spreadsheet owner's, not a
 * process'): each request takes the next slot from a key in Redis. While Redis does not answer,
 * this process falls back to pacing its own requests.
 */
export class SharedPacer implements RequestPacer {
  private readonly fallback: LocalPacer;

  constructor(
    private readonly redis: RedisEval,
    private readonly key: string,
    private readonly intervalMs: number,
  ) {
    this.fallback = new LocalPacer(intervalMs);
  }

  async acquire(): Promise<void> {
    let wait: number;
    try {
      wait = Number(await this.redis.eval(RESERVE_SLOT, 1, this.key, this.intervalMs));
    } catch {
      return this.fallback.acquire();
    }
    if (wait > 0) await sleep(wait);
  }
}
