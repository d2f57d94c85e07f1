import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { PrismaClient } from '@leadflow/db';
import type { QueueName } from '@leadflow/queue';
import { QUEUE_MAP } from '@leadflow/runtime';
import type { Queue } from 'bull';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/public.decorator.js';

class HealthDto {
  @ApiProperty({ enum: ['ok', 'degraded'], example: 'ok' })
  status!: 'ok' | 'degraded';

  @ApiProperty({ enum: ['up', 'down'], example: 'up' })
  postgres!: 'up' | 'down';

  @ApiProperty({ enum: ['up', 'down'], example: 'up', description: 'While Redis is down webhooks are still stored; processing resumes when it is back.' })
  redis!: 'up' | 'down';
}

const CHECK_TIMEOUT_MS = 1_000;

function within<T>(promise: Promise<T>): Promise<boolean> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS);
  });
  return Promise.race([promise.then(() => true, () => false), timeout]).finally(() => clearTimeout(timer));
}

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly prisma: PrismaClient,
    @Inject(QUEUE_MAP) private readonly queues: Map<QueueName, Queue>,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Postgres and Redis readiness' })
  @ApiOkResponse({ type: HealthDto })
  @ApiServiceUnavailableResponse({ type: HealthDto, description: 'Postgres or Redis does not answer.' })
  async check(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthDto> {
    const [postgres, redis] = await Promise.all([
      within(this.prisma.$queryRaw`SELECT 1`),
      within(Promise.all([...this.queues.values()].map((queue) => queue.client.ping()))),
    ]);
    const healthy = postgres && redis;
    reply.status(healthy ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: healthy ? 'ok' : 'degraded', postgres: postgres ? 'up' : 'down', redis: redis ? 'up' : 'down' };
  }
}
