import type { Metrics } from '@leadflow/runtime';
import type { FastifyInstance } from 'fastify';

const PLATFORMS = new Set(['meta', 'tiktok', 'snapchat', 'whatsapp']);

/** What became of a refused delivery, from our answer: the platform retries what is not a 2xx. */
function refusalOf(status: number): string {
  if (status === 401 || status === 403) return 'rejected';
  if (status === 503) return 'unavailable';
  if (status < 500) return 'invalid';
  return 'error';
}

/**
 * Times every webhook delivery (POST /webhooks/<platform>) and counts the refused ones by outcome;
 * stored ones are counted as accepted or duplicate where they are stored (WebhookIntakeService).
 */
export function recordWebhookMetrics(fastify: FastifyInstance, metrics: Metrics): void {
  fastify.addHook('onResponse', async (req, reply) => {
    if (req.method !== 'POST' || !req.url.startsWith('/webhooks/')) return;
    const name = req.url.slice('/webhooks/'.length).split(/[/?]/)[0] ?? '';
    const platform = PLATFORMS.has(name) ? name : 'other';
    metrics.webhookDuration.observe({ platform }, reply.elapsedTime / 1000);
    if (reply.statusCode >= 300) metrics.webhookDeliveries.inc({ platform, outcome: refusalOf(reply.statusCode) });
  });
}
