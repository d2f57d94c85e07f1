import type { Redis } from 'ioredis';

// Which processes publish metrics snapshots, without the Nest module: the worker's healthcheck
// imports only this (it runs every few seconds in its own process).

/** A published snapshot lives this long: a process gone quiet this long is gone. */
export const SNAPSHOT_TTL_SECONDS = 30;

/** Redis key of a process's published snapshot. */
export const snapshotKey = (prefix: string, instance: string) => `${prefix}:metrics:${instance}`;

/**
 * Redis sorted set of the processes that publish, scored by their last publish (ms): found without
 * scanning the keyspace, which also holds every queued job.
 */
export const metricsInstancesKey = (prefix: string) => `${prefix}:metrics-instances`;

/** The processes that published within the snapshot lifetime (older entries are dropped). */
export async function liveMetricsInstances(redis: Redis, prefix: string): Promise<string[]> {
  const index = metricsInstancesKey(prefix);
  await redis.zremrangebyscore(index, '-inf', String(Date.now() - SNAPSHOT_TTL_SECONDS * 1000));
  return redis.zrange(index, '0', '-1');
}
