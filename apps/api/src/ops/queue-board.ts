import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { QueueName } from '@leadflow/queue';
import { QUEUE_MAP } from '@leadflow/runtime';
import type { Queue } from 'bull';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AuthGuard } from '../auth/auth.guard.js';
import { bearerToken } from '../auth/bearer.js';

export const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * The credential of a request to the board: a Bearer header (scripts), or HTTP Basic with any user
 * name and the API key or token as password — browsers then send it with every page and API call
 * of the board, which a Bearer header cannot do.
 */
function credentialOf(req: FastifyRequest): string | undefined {
  const bearer = bearerToken(req.headers.authorization);
  if (bearer) return bearer;
  const basic = /^Basic\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  if (!basic) return undefined;
  const decoded = Buffer.from(basic, 'base64').toString('utf8');
  const password = decoded.slice(decoded.indexOf(':') + 1);
  return password || undefined;
}

/** Bull Board at /admin/queues for admins: every queue, its jobs, retry and clean. */
export async function mountQueueBoard(app: NestFastifyApplication): Promise<void> {
  const queues = app.get<Map<QueueName, Queue>>(QUEUE_MAP);
  const guard = app.get(AuthGuard);
  const board = new FastifyAdapter();
  board.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({ queues: [...queues.values()].map((queue) => new BullAdapter(queue)), serverAdapter: board });

  const deny = (reply: FastifyReply, status: 401 | 403, message: string) => {
    if (status === 401) void reply.header('www-authenticate', 'Basic realm="LeadFlow queues", charset="UTF-8"');
    return reply.status(status).send({ statusCode: status, error: status === 401 ? 'Unauthorized' : 'Forbidden', message });
  };
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  await fastify.register(async (scope: FastifyInstance) => {
    scope.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
      const credential = credentialOf(req);
      if (!credential) return deny(reply, 401, 'an admin API key or token is required (Bearer, or as the Basic password)');
      const principal = await guard.resolvePrincipal(credential);
      if (!principal) return deny(reply, 401, 'the token or API key is not valid');
      if (principal.role !== 'admin') return deny(reply, 403, 'the queue board is for admins');
    });
    await scope.register(board.registerPlugin(), { prefix: QUEUE_BOARD_PATH });
  });
}
