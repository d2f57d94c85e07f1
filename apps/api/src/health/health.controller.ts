import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiInternalServerErrorResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { PrismaClient, unappliedMigrationNames } from '@leadflow/db';
import type { QueueName } from '@leadflow/queue';
import { QUEUE_MAP } from '@leadflow/runtime';
import type { Queue } from 'bull';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/public.decorator.js';
import { ShutdownState } from './shutdown-state.js';

class LivenessDto {
  @ApiProperty({ enum: ['ok'], example: 'ok' }) status!: 'ok';
  @ApiProperty({ example: 5321.4, description: 'Seconds since the process started.' }) uptime!: number;
}

class ReadinessDto {
  @ApiProperty({ enum: ['ok', 'degraded'], example: 'ok' })
  status!: 'ok' | 'degraded';

  @ApiProperty({ enum: ['up', 'down'], example: 'up' })
  postgres!: 'up' | 'down';

  @ApiProperty({ enum: ['up', 'down'], example: 'up', description: 'While Redis is down webhooks are still stored; processing resumes when it is back.' })
  redis!: 'up' | 'down';

  @ApiProperty({ enum: ['applied', 'pending', 'unknown'], example: 'applied', description: 'Every migration shipped with this build is applied to the database.' })
  migrations!: 'applied' | 'pending' | 'unknown';

  @ApiPropertyOptional({ type: [String], example: ['20261121193636_odoo_inbound_sync'] })
  pendingMigrations?: string[];

  @ApiPropertyOptional({ example: true, description: 'Set while the process shuts down: the load balancer should stop sending traffic.' })
  shuttingDown?: boolean;
}

const CHECK_TIMEOUT_MS = 1_000;

function within<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<{ ok: false }>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false }), CHECK_TIMEOUT_MS);
  });
  return Promise.race([promise.then((value) => ({ ok: true as const, value }), () => ({ ok: false as const })), timeout]).finally(() => clearTimeout(timer));
}

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly prisma: PrismaClient,
    @Inject(QUEUE_MAP) private readonly queues: Map<QueueName, Queue>,
    private readonly shutdown: ShutdownState,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Liveness: the process answers (restart it when this fails)', description: 'Checks nothing outside the process, so an outage of Postgres or Redis never gets healthy API processes restarted.' })
  @ApiOkResponse({ type: LivenessDto })
  @ApiInternalServerErrorResponse({ description: 'Anything but 200 (or no answer): the process is broken and should be restarted.' })
  live(): LivenessDto {
    return { status: 'ok', uptime: Math.round(process.uptime() * 10) / 10 };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: Postgres and Redis answer and every migration is applied (send traffic only when this is 200)' })
  @ApiOkResponse({ type: ReadinessDto })
  @ApiServiceUnavailableResponse({ type: ReadinessDto, description: 'Postgres or Redis does not answer, a migration is pending, or the process is shutting down.' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessDto> {
    const [postgres, redis, pending] = await Promise.all([
      within(this.prisma.$queryRaw`SELECT 1`),
      within(Promise.all([...this.queues.values()].map((queue) => queue.client.ping()))),
      within(unappliedMigrationNames(this.prisma)),
    ]);
    const migrations = pending.ok ? (pending.value.length ? 'pending' : 'applied') : 'unknown';
    const healthy = postgres.ok && redis.ok && migrations === 'applied' && !this.shutdown.draining;
    reply.status(healthy ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return {
      status: healthy ? 'ok' : 'degraded',
      postgres: postgres.ok ? 'up' : 'down',
      redis: redis.ok ? 'up' : 'down',
      migrations,
      ...(pending.ok && pending.value.length ? { pendingMigrations: pending.value } : {}),
      ...(this.shutdown.draining ? { shuttingDown: true } : {}),
    };
  }
}
