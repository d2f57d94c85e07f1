// `node apps/worker/dist/healthcheck.js`: exits 0 while this container's worker is alive — its
// metrics snapshot in Redis (rewritten every 5 s by the worker's event loop, gone 30 s after it
// stops) is fresh. Docker runs it as the worker's healthcheck; the worker serves no HTTP.
import { loadConfig, loadEnvFile } from '@leadflow/config';
import { liveMetricsInstances } from '@leadflow/runtime/metrics-instances';
import { Redis } from 'ioredis';
import { hostname } from 'node:os';

loadEnvFile();
const { config } = loadConfig();
const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true, connectTimeout: 2_000 });
try {
  await redis.connect();
  // The worker is PID 1 of its container: `worker@<container hostname>:<pid>`.
  const here = (await liveMetricsInstances(redis, config.queue.prefix)).filter((instance) => instance.startsWith(`worker@${hostname()}:`));
  process.exitCode = here.length > 0 ? 0 : 1;
  if (!here.length) console.error('no live worker in this container');
} catch (error) {
  console.error(`healthcheck: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  redis.disconnect();
}
