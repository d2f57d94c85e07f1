import { Redis } from 'ioredis';

/**
 * Deletes every Redis key under a queue prefix (Bull's queues and job records, the event stream's
 * keys, the metrics snapshots): what a benchmark or a test stack with a prefix of its own leaves
 * behind — a thousand finished jobs per queue — once it is done. Returns how many keys went.
 */
export async function deleteQueueKeys(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    let deleted = 0;
    for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 1_000 }) as AsyncIterable<string[]>) {
      if (keys.length) deleted += await redis.unlink(...keys);
    }
    return deleted;
  } finally {
    redis.disconnect();
  }
}
