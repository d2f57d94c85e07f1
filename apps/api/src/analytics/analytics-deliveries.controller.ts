import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import {
  ANALYTICS_DELIVERY_STATUSES,
  ANALYTICS_DESTINATIONS,
  type AnalyticsDelivery,
  type AnalyticsDestination,
  type AnalyticsDeliveryPage,
  type AnalyticsDeliveryStatus,
  type ListAnalyticsDeliveriesQuery,
} from '@leadflow/contracts';
import { PrismaClient, type AnalyticsDelivery as DeliveryRow } from '@leadflow/db';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { Roles } from '../auth/principal.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { pageBy } from '../common/cursor.js';
import { PageQuery } from '../common/page.query.js';

class ListDeliveriesQuery extends PageQuery implements ListAnalyticsDeliveriesQuery {
  @ApiPropertyOptional({ enum: ANALYTICS_DELIVERY_STATUSES, example: 'rejected' })
  @IsOptional()
  @IsIn(ANALYTICS_DELIVERY_STATUSES)
  status?: AnalyticsDeliveryStatus;

  @ApiPropertyOptional({ enum: ANALYTICS_DESTINATIONS, example: 'meta_capi' })
  @IsOptional()
  @IsIn(ANALYTICS_DESTINATIONS)
  destination?: AnalyticsDestination;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  leadId?: string;
}

class ValidationMessageDto {
  @ApiProperty({ example: 'events[0].params.currency' }) fieldPath!: string;
  @ApiProperty({ example: 'Currency is required when value is set.' }) description!: string;
  @ApiProperty({ example: 'VALUE_REQUIRED' }) validationCode!: string;
}

class AnalyticsDeliveryDto implements AnalyticsDelivery {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ANALYTICS_DESTINATIONS }) destination!: AnalyticsDestination;
  @ApiProperty({ format: 'uuid' }) leadId!: string;
  @ApiProperty({ example: 'qualify_lead' }) event!: string;
  @ApiProperty({ enum: ANALYTICS_DELIVERY_STATUSES }) status!: AnalyticsDeliveryStatus;
  @ApiProperty({ example: 1 }) attempts!: number;
  @ApiPropertyOptional({ example: 'ga4 TEMPORARY: collect answered HTTP 503' }) lastError?: string;
  @ApiPropertyOptional({ type: [ValidationMessageDto] }) validationMessages?: ValidationMessageDto[];
  @ApiProperty({ example: { client_id: '1023456789.1712345678', timestamp_micros: 1763712000000000, events: [{ name: 'qualify_lead', params: { crm_lead_id: '…', lead_source: 'meta', value: 50, currency: 'SAR' } }] } })
  payload!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiPropertyOptional({ format: 'date-time' }) sentAt?: string;
}

class AnalyticsDeliveryPageDto implements AnalyticsDeliveryPage {
  @ApiProperty({ type: [AnalyticsDeliveryDto] }) data!: AnalyticsDeliveryDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

function toDelivery(row: DeliveryRow): AnalyticsDelivery {
  return {
    id: row.id,
    destination: row.destination as AnalyticsDestination,
    leadId: row.leadId,
    event: row.event,
    status: row.status as AnalyticsDeliveryStatus,
    attempts: row.attempts,
    lastError: row.lastError ?? undefined,
    validationMessages: (row.validationMessages as AnalyticsDelivery['validationMessages']) ?? undefined,
    payload: row.payload as Record<string, unknown>,
    createdAt: row.createdAt.toISOString(),
    sentAt: row.sentAt?.toISOString(),
  };
}

@ApiTags('analytics')
@ApiBearerAuth()
@Roles('admin')
@ApiErrors(400, 401, 403)
@Controller('crm/analytics/deliveries')
export class AnalyticsDeliveriesController {
  constructor(private readonly prisma: PrismaClient) {}

  @Get()
  @ApiOperation({
    summary: "Lifecycle events forwarded to GA4 and Meta's Conversions API, newest first",
    description:
      'Each (lead, event) once per destination: pending → sent, or rejected by GA4\'s validation server (GA4_VALIDATE) with its messages, or dead after a refusal or the last attempt. ' +
      '`meta_capi`: the CRM stages of Meta leads (META_CONVERSIONS_ENABLED).',
  })
  @ApiOkResponse({ type: AnalyticsDeliveryPageDto })
  async list(@Query() query: ListDeliveriesQuery): Promise<AnalyticsDeliveryPageDto> {
    const where = { ...(query.status ? { status: query.status } : {}), ...(query.destination ? { destination: query.destination } : {}), ...(query.leadId ? { leadId: query.leadId } : {}) };
    const page = await pageBy('createdAt', query, ({ after, orderBy, take }) => this.prisma.analyticsDelivery.findMany({ where: { AND: [where, after] }, orderBy, take }));
    return { data: page.rows.map(toDelivery), nextCursor: page.nextCursor };
  }
}
