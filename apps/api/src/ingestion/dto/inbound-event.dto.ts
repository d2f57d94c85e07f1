import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { INBOUND_EVENT_STATUSES, PLATFORMS, type InboundEvent, type InboundEventStatus, type Platform, type InboundEventPage, type ListInboundEventsQuery as ListInboundEventsRequest } from '@leadflow/contracts';
import { IsIn, IsOptional } from 'class-validator';
import { PageQuery } from '../../common/page.query.js';

export class InboundEventDto implements InboundEvent {
  @ApiProperty({ format: 'uuid', example: '0b6f2a52-8a0e-4f57-9d0e-3c7a4b8e2f10' })
  id!: string;

  @ApiProperty({ enum: PLATFORMS, example: 'meta' })
  platform!: Platform;

  @ApiProperty({ description: "The platform's lead id (TikTok: `<advertiser_id>:<lead_id>`).", example: '1219012345678901' })
  externalId!: string;

  @ApiProperty({
    enum: INBOUND_EVENT_STATUSES,
    description: '`received`: stored, waiting for or in processing; `processed`: the lead exists; `dead_lettered`: gave up, see lastError, replay when fixed.',
    example: 'processed',
  })
  status!: InboundEventStatus;

  @ApiProperty({ example: 1 })
  attempts!: number;

  @ApiProperty({ example: 0 })
  replayCount!: number;

  @ApiPropertyOptional({ example: 'meta-graph AUTH: Error validating access token: Session has expired' })
  lastError?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  leadId?: string;

  @ApiProperty({ format: 'date-time' })
  receivedAt!: string;

  @ApiPropertyOptional({ format: 'date-time' })
  processedAt?: string;
}

export class InboundEventPageDto implements InboundEventPage {
  @ApiProperty({ type: [InboundEventDto] })
  data!: InboundEventDto[];

  @ApiProperty({ type: String, nullable: true, example: null })
  nextCursor!: string | null;
}

export class ListInboundEventsQuery extends PageQuery implements ListInboundEventsRequest {
  @ApiPropertyOptional({ enum: INBOUND_EVENT_STATUSES, description: 'e.g. `dead_lettered` to see what needs a replay' })
  @IsOptional()
  @IsIn(INBOUND_EVENT_STATUSES)
  status?: InboundEventStatus;

  @ApiPropertyOptional({ enum: PLATFORMS })
  @IsOptional()
  @IsIn(PLATFORMS)
  platform?: Platform;
}
