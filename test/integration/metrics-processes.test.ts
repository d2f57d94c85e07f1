import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AppConfig } from '@leadflow/config';
import { deleteQueueKeys } from '@leadflow/queue';
import { Metrics, MetricsPublisher } from '@leadflow/runtime';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { parseExposition, seriesOf, total } from '../support/prometheus-text.js';
import { TEST_REDIS_URL } from '../support/test-database.js';

// Processes of one service publishing through real Redis, as the API and workers do; a worker
// stops and another takes its place, as in every deploy or crash.
const prefix = `test-metrics-${randomBytes(4).toString('hex')}`;
const config = { queue: { prefix } } as AppConfig;
let redis: Redis;

beforeAll(() => {
  redis = new Redis(TEST_REDIS_URL);
});
afterAll(async () => {
  redis.disconnect();
  await deleteQueueKeys(TEST_REDIS_URL, prefix);
});

function serviceProcess(app: 'api' | 'worker', instance: string) {
  const metrics = new Metrics(app, instance);
  return { metrics, publisher: new MetricsPublisher(metrics, redis, config) };
}
const DEAD = { action_type: 'whatsapp.send_template', status: 'dead' };

describe('metrics of several processes', () => {
  it('keeps each process its own series, so no counter Prometheus reads ever goes down when a process stops', async () => {
    const api = serviceProcess('api', 'api@host-a:10');
    const first = serviceProcess('worker', 'worker@host-a:11');
    const second = serviceProcess('worker', 'worker@host-b:12');
    api.metrics.webhookDeliveries.inc({ platform: 'meta', outcome: 'accepted' }, 7);
    first.metrics.actionRuns.inc(DEAD, 3);
    second.metrics.actionRuns.inc(DEAD, 2);
    await first.publisher.publish();
    await second.publisher.publish();
    const before = (await api.publisher.exposition()).body;
    expect(seriesOf(before, 'leadflow_action_runs_total', DEAD).map((s) => [s.labels.instance, s.value]).sort()).toEqual([
      ['worker@host-a:11', 3],
      ['worker@host-b:12', 2],
    ]);
    expect(seriesOf(before, 'leadflow_webhook_deliveries_total', { platform: 'meta' })).toMatchObject([{ labels: { app: 'api', instance: 'api@host-a:10' }, value: 7 }]);
    expect(total(before, 'leadflow_action_runs_total', DEAD)).toBe(5);

    // The first worker stops (its snapshot goes with it); its replacement counts one more.
    await first.publisher.onApplicationShutdown();
    const replacement = serviceProcess('worker', 'worker@host-a:13');
    replacement.metrics.actionRuns.inc(DEAD, 1);
    await replacement.publisher.publish();
    const after = (await api.publisher.exposition()).body;

    // A series that went down would be read as a reset, and its new value counted again as increase.
    const key = (labels: Record<string, string>) => JSON.stringify(Object.entries(labels).sort());
    const earlier = new Map(parseExposition(before).filter((s) => s.name.startsWith('leadflow_')).map((s) => [`${s.name} ${key(s.labels)}`, s.value]));
    const lower = parseExposition(after).filter((s) => (earlier.get(`${s.name} ${key(s.labels)}`) ?? 0) > s.value);
    expect(lower).toEqual([]);
    expect(seriesOf(after, 'leadflow_action_runs_total', DEAD).map((s) => [s.labels.instance, s.value]).sort()).toEqual([
      ['worker@host-a:13', 1],
      ['worker@host-b:12', 2],
    ]);
  });
});
