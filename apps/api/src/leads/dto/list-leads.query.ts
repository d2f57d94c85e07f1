import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { LEAD_SORTS, LEAD_STATUSES, PLATFORMS, type LeadSort as LeadSortValue, type LeadStatus, type Platform, type LeadFilters as LeadFiltersRequest, type ListLeadsQuery as ListLeadsRequest } from '@leadflow/contracts';
import { Type } from 'class-transformer';
import { Transform } from 'class-transformer';
import { IsBoolean, IsDate, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { PageQuery } from '../../common/page.query.js';


/** Filters shared by the list and the CSV export. */
export class LeadFilters {
  @ApiPropertyOptional({ enum: PLATFORMS })
  @IsOptional()
  @IsIn(PLATFORMS)
  platform?: Platform;

  @ApiPropertyOptional({ enum: LEAD_STATUSES })
  @IsOptional()
  @IsIn(LEAD_STATUSES)
  status?: LeadStatus;

  @ApiPropertyOptional({ example: '23851234567890001' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  campaignId?: string;

  @ApiPropertyOptional({ example: '889912345678901' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  formId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  branchId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  teamId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The assigned employee.' })
  @IsOptional()
  @IsUUID()
  assigneeId?: string;

  @ApiPropertyOptional({ example: 'vip' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  tag?: string;

  @ApiPropertyOptional({ description: 'true: the first-contact deadline passed uncontacted; false: it did not.' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' || value === true ? true : value === 'false' || value === false ? false : value))
  @IsBoolean({ message: 'slaBreached must be true or false' })
  slaBreached?: boolean;

  @ApiPropertyOptional({ format: 'date-time', description: 'Received at or after (inclusive).' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'receivedFrom must be an ISO 8601 date' })
  receivedFrom?: Date;

  @ApiPropertyOptional({ format: 'date-time', description: 'Received before (exclusive).' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'receivedTo must be an ISO 8601 date' })
  receivedTo?: Date;

  @ApiPropertyOptional({
    description: 'Search in name, email and phone. Any script (Arabic included); digits may be Arabic-Indic; phone matches on its digits.',
    example: 'سارة',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  q?: string;
}

export class LeadSort {
  @ApiPropertyOptional({ enum: LEAD_SORTS, default: '-receivedAt', description: 'Newest first (default) or oldest first.' })
  @IsOptional()
  @IsIn(LEAD_SORTS)
  sort: LeadSortValue = '-receivedAt';
}

export class ExportLeadsQuery extends IntersectionType(LeadFilters, LeadSort) implements LeadFiltersRequest {}

export class ListLeadsQuery extends IntersectionType(LeadFilters, LeadSort, PageQuery) implements ListLeadsRequest {}
