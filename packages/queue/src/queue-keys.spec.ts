import { afterAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { deleteQueueKeys } from './queue-keys.js';

const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

// Benches and test stacks run under a prefix of their own and clear it when they are done.
const redis = new Redis(TEST_REDIS_URL);
afterAll(() => redis.quit());

describe('deleteQueueKeys', () => {
  it('deletes every key under the prefix and nothing else, however many there are', async () => {
    const prefix = `keys-${randomBytes(4).toString('hex')}`;
    const neighbour = `${prefix}x`;
    const batch = redis.multi();
    for (let i = 0; i < 2_500; i++) batch.set(`${prefix}:bull:queue:${i}`, 'job');
    batch.set(`${neighbour}:bull:queue:1`, 'kept').set(prefix, 'kept');
    await batch.exec();

    expect(await deleteQueueKeys(TEST_REDIS_URL, prefix)).toBe(2_500);
    expect(await redis.keys(`${prefix}:*`)).toEqual([]);
    expect(await redis.mget(`${neighbour}:bull:queue:1`, prefix)).toEqual(['kept', 'kept']);
    await redis.del(`${neighbour}:bull:queue:1`, prefix);
  });
});
