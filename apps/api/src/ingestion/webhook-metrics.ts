import type { Metrics } from '@leadflow/runtime';
import type { FastifyInstance, FastifyReply } from 'fastify';

const PLATFORMS = new Set(['meta', 'tiktok', 'snapchat', 'whatsapp']);
const ACK = Symbol('webhook ack');

/** What became of a delivery, from our answer: the platform retries what is not a 2xx. */
function outcomeOf(status: number, ack?: { accepted?: number; duplicates?: number }): string {
  if (status < 300) return ack && !ack.accepted && ack.duplicates ? 'duplicate' : 'accepted';
  if (status === 401 || status === 403) return 'rejected';
  if (status === 503) return 'unavailable';
  if (status < 500) return 'invalid';
  return 'error';
}

/** Counts and times every webhook delivery (POST /webhooks/<platform>) by platform and outcome. */
export function recordWebhookMetrics(fastify: FastifyInstance, metrics: Metrics): void {
  const isDelivery = (method: string, url: string) => method === 'POST' && url.startsWith('/webhooks/');
  fastify.addHook('onSend', async (req, reply, payload) => {
    if (isDelivery(req.method, req.url) && reply.statusCode < 300 && typeof payload === 'string') {
      try {
        (reply as FastifyReply & { [ACK]?: unknown })[ACK] = JSON.parse(payload);
      } catch {
        // not JSON: counted as accepted
      }
    }
    return payload;
  });
  fastify.addHook('onResponse', async (req, reply) => {
    if (!isDelivery(req.method, req.url)) return;
    const name = req.url.slice('/webhooks/'.length).split(/[/?]/)[0] ?? '';
    const platform = PLATFORMS.has(name) ? name : 'other';
    metrics.webhookDeliveries.inc({ platform, outcome: outcomeOf(reply.statusCode, (reply as FastifyReply & { [ACK]?: { accepted?: number; duplicates?: number } })[ACK]) });
    metrics.webhookDuration.observe({ platform }, reply.elapsedTime / 1000);
  });
}
