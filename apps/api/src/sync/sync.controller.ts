import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { NotFoundError, SyncJobs, type SyncKind } from '@leadflow/application';
import { SYNC_JOB_KINDS, SYNC_JOB_STATUSES, type SyncJob, type SyncJobKind, type SyncJobPage, type SyncJobStatus } from '@leadflow/contracts';
import { PrismaClient, type SyncJob as SyncJobRow } from '@leadflow/db';
import { IsIn, IsOptional } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { actorOf, CurrentPrincipal, Roles, type Principal } from '../auth/principal.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { pageBy } from '../common/cursor.js';
import { PageQuery } from '../common/page.query.js';

class SyncJobDto implements SyncJob {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: SYNC_JOB_KINDS }) kind!: SyncJobKind;
  @ApiProperty({ enum: SYNC_JOB_STATUSES }) status!: SyncJobStatus;
  @ApiProperty({ enum: ['manual', 'schedule'] }) origin!: 'manual' | 'schedule';
  @ApiPropertyOptional({ example: 'user:5f0c…' }) requestedBy?: string;
  @ApiProperty({ example: { tables: { leads: { sent: 1500, batches: 3 }, lead_events: { sent: 500, batches: 1 } } } }) progress!: Record<string, unknown>;
  @ApiPropertyOptional({ example: { dataset: 'existed', tables: { leads: { created: false, sent: 1500, batches: 3 } } } }) result?: Record<string, unknown>;
  @ApiPropertyOptional({ example: 'bigquery INVALID: 1 row(s) of leads refused; row 3 (…): invalid at status: …' }) error?: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiPropertyOptional({ format: 'date-time' }) startedAt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) finishedAt?: string;
}

class SyncJobPageDto implements SyncJobPage {
  @ApiProperty({ type: [SyncJobDto] }) data!: SyncJobDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

class ListSyncJobsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: SYNC_JOB_KINDS })
  @IsOptional()
  @IsIn(SYNC_JOB_KINDS)
  kind?: SyncJobKind;
}

function toSyncJob(row: SyncJobRow): SyncJob {
  return {
    id: row.id,
    kind: row.kind as SyncJobKind,
    status: row.status as SyncJobStatus,
    origin: row.origin as SyncJob['origin'],
    requestedBy: row.requestedBy ?? undefined,
    progress: row.progress as Record<string, unknown>,
    result: (row.result as Record<string, unknown> | null) ?? undefined,
    error: row.error ?? undefined,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString(),
    finishedAt: row.finishedAt?.toISOString(),
  };
}

const ACCEPTED = 'Answers 202 with the job (a new one, or the one of this kind already queued or running); follow it at `GET /crm/sync-jobs/{id}`.';

@ApiTags('sync')
@ApiBearerAuth()
@Roles('admin')
@ApiErrors(401, 403)
@Controller('crm')
export class SyncController {
  constructor(
    private readonly jobs: SyncJobs,
    private readonly prisma: PrismaClient,
  ) {}

  @Post('sync-bigquery')
  @HttpCode(202)
  @ApiOperation({ summary: 'Export new leads and timeline steps to BigQuery now', description: `Creates the dataset and tables when missing; sends only what is new since the last sync. ${ACCEPTED}` })
  @ApiAcceptedResponse({ type: SyncJobDto })
  syncBigQuery(@CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply): Promise<SyncJobDto> {
    return this.start('bigquery', principal, reply);
  }

  @Post('sync-meta')
  @HttpCode(202)
  @ApiOperation({ summary: 'Reconcile with Meta: ingest every lead of our forms that never reached us', description: `Pages through GET /{form-id}/leads since each form's cursor. ${ACCEPTED}` })
  @ApiAcceptedResponse({ type: SyncJobDto })
  syncMeta(@CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply): Promise<SyncJobDto> {
    return this.start('meta', principal, reply);
  }

  @Post('sync-odoo')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Read back what salespeople changed in Odoo now',
    description: `Reads our crm.lead records changed since the write_date cursor and applies stage changes (won, lost), and reassignments as the actor "odoo", without writing them back; when both sides changed, the later change wins. Runs on a schedule too (ODOO_SYNC_INTERVAL_MINUTES). ${ACCEPTED}`,
  })
  @ApiAcceptedResponse({ type: SyncJobDto })
  syncOdoo(@CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply): Promise<SyncJobDto> {
    return this.start('odoo', principal, reply);
  }

  @Get('sync-jobs')
  @ApiOperation({ summary: 'Syncs, newest first' })
  @ApiOkResponse({ type: SyncJobPageDto })
  @ApiErrors(400)
  async list(@Query() query: ListSyncJobsQuery): Promise<SyncJobPageDto> {
    const page = await pageBy('createdAt', query, ({ after, orderBy, take }) => this.prisma.syncJob.findMany({ where: { AND: [query.kind ? { kind: query.kind } : {}, after] }, orderBy, take }));
    return { data: page.rows.map(toSyncJob), nextCursor: page.nextCursor };
  }

  @Get('sync-jobs/:id')
  @ApiOperation({ summary: 'One sync: status, progress, result or error' })
  @ApiOkResponse({ type: SyncJobDto })
  @ApiErrors(400, 404)
  async get(@Param('id', new ParseUUIDPipe()) id: string): Promise<SyncJobDto> {
    const row = await this.prisma.syncJob.findUnique({ where: { id } });
    if (!row) throw new NotFoundError(`sync job ${id} does not exist`);
    return toSyncJob(row);
  }

  private async start(kind: SyncKind, principal: Principal, reply: FastifyReply): Promise<SyncJobDto> {
    const { job } = await this.jobs.request(kind, 'manual', actorOf(principal));
    void reply.header('location', `/crm/sync-jobs/${job.id}`);
    return toSyncJob(job);
  }
}
