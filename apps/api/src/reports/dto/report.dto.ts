import { ApiProperty, ApiPropertyOptional, IntersectionType, OmitType } from '@nestjs/swagger';
import {
  PLATFORMS,
  REPORT_DIMENSIONS,
  REPORT_INTERVALS,
  type ActionReportRow,
  type ActionsReport,
  type FirstContactQuery,
  type FirstContactReport,
  type FirstContactRow,
  type FunnelReport,
  type FunnelStage,
  type LeadCounts,
  type LeadsReport,
  type LeadsReportQuery,
  type LeadsReportRow,
  type OverviewReport,
  type Platform,
  type ReportDimension,
  type ReportInterval,
  type ReportQuery,
} from '@leadflow/contracts';
import { IsIn, IsOptional, Matches, Validate, type ValidatorConstraintInterface, ValidatorConstraint } from 'class-validator';

@ValidatorConstraint({ name: 'calendarDay' })
class CalendarDay implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
  }
  defaultMessage(): string {
    return '$property must be a calendar day YYYY-MM-DD';
  }
}

export class ReportQueryDto implements ReportQuery {
  @ApiPropertyOptional({ example: '2026-11-01', description: 'First local day (inclusive). Default: 29 days before `to`.' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'from must be a calendar day YYYY-MM-DD' })
  @Validate(CalendarDay)
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-30', description: 'Last local day (inclusive). Default: today (Asia/Riyadh).' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'to must be a calendar day YYYY-MM-DD' })
  @Validate(CalendarDay)
  to?: string;

  @ApiPropertyOptional({ enum: PLATFORMS })
  @IsOptional()
  @IsIn(PLATFORMS)
  platform?: Platform;
}

class LeadsGrouping {
  @ApiPropertyOptional({ enum: REPORT_DIMENSIONS, default: 'platform' })
  @IsOptional()
  @IsIn(REPORT_DIMENSIONS)
  groupBy?: ReportDimension;

  @ApiPropertyOptional({ enum: REPORT_INTERVALS, default: 'day', description: 'Weeks start on Monday.' })
  @IsOptional()
  @IsIn(REPORT_INTERVALS)
  interval?: ReportInterval;
}

export class LeadsReportQueryDto extends IntersectionType(ReportQueryDto, LeadsGrouping) implements LeadsReportQuery {}

class FirstContactGrouping {
  @ApiPropertyOptional({ enum: ['branch', 'team', 'employee'], default: 'team' })
  @IsOptional()
  @IsIn(['branch', 'team', 'employee'])
  by?: 'branch' | 'team' | 'employee';
}

export class FirstContactQueryDto extends IntersectionType(ReportQueryDto, FirstContactGrouping) implements FirstContactQuery {}

export class LeadCountsDto implements LeadCounts {
  @ApiProperty({ example: 120 }) leads!: number;
  @ApiProperty({ example: 96 }) contacted!: number;
  @ApiProperty({ example: 40 }) qualified!: number;
  @ApiProperty({ example: 22 }) proposal!: number;
  @ApiProperty({ example: 9 }) won!: number;
  @ApiProperty({ example: 51 }) lost!: number;
  @ApiProperty({ example: 6 }) duplicates!: number;
  @ApiProperty({ type: Number, nullable: true, example: 0.8, description: 'contacted / leads' }) contactedRate!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 0.3333 }) qualifiedRate!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 0.075 }) wonRate!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 0.05 }) duplicateRate!: number | null;
}

export class LeadsReportRowDto extends LeadCountsDto implements LeadsReportRow {
  @ApiProperty({ example: '2026-11-16' }) period!: string;
  @ApiProperty({ type: String, nullable: true, example: '23851000000000101' }) key!: string | null;
  @ApiProperty({ example: 'Riyadh villas – spring' }) label!: string;
  @ApiPropertyOptional({ enum: PLATFORMS }) platform?: Platform;
}

export class LeadsReportDto implements LeadsReport {
  @ApiProperty({ example: '2026-11-01' }) from!: string;
  @ApiProperty({ example: '2026-11-30' }) to!: string;
  @ApiProperty({ enum: REPORT_DIMENSIONS }) groupBy!: ReportDimension;
  @ApiProperty({ enum: REPORT_INTERVALS }) interval!: ReportInterval;
  @ApiProperty({ type: [LeadsReportRowDto] }) rows!: LeadsReportRowDto[];
  @ApiProperty({ type: LeadCountsDto }) totals!: LeadCountsDto;
}

export class FunnelStageDto implements FunnelStage {
  @ApiProperty({ enum: ['received', 'contacted', 'qualified', 'proposal', 'won'] }) stage!: FunnelStage['stage'];
  @ApiProperty({ example: 40 }) leads!: number;
  @ApiProperty({ type: Number, nullable: true, example: 0.4167 }) fromPrevious!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 0.3333 }) fromReceived!: number | null;
}

export class FunnelReportDto implements FunnelReport {
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ type: [FunnelStageDto] }) stages!: FunnelStageDto[];
  @ApiProperty({ example: 51 }) lost!: number;
}

export class FirstContactStatsDto implements Omit<FirstContactRow, 'key' | 'label'> {
  @ApiProperty({ example: 84 }) contacted!: number;
  @ApiProperty({ type: Number, nullable: true, example: 7, description: 'Median minutes from receipt to first contact (nearest rank).' }) medianMinutes!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 42 }) p90Minutes!: number | null;
  @ApiProperty({ example: 70 }) slaMet!: number;
  @ApiProperty({ example: 14 }) slaBreached!: number;
  @ApiProperty({ type: Number, nullable: true, example: 0.8333 }) slaCompliance!: number | null;
}

export class FirstContactRowDto extends FirstContactStatsDto implements FirstContactRow {
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) key!: string | null;
  @ApiProperty({ example: 'Villas' }) label!: string;
}

export class FirstContactReportDto implements FirstContactReport {
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ enum: ['branch', 'team', 'employee'] }) by!: 'branch' | 'team' | 'employee';
  @ApiProperty({ type: [FirstContactRowDto] }) rows!: FirstContactRowDto[];
  @ApiProperty({ type: FirstContactStatsDto }) overall!: FirstContactStatsDto;
}

export class ActionReportRowDto implements ActionReportRow {
  @ApiProperty({ example: 'whatsapp' }) connector!: string;
  @ApiProperty({ example: 'whatsapp.send_template' }) actionType!: string;
  @ApiProperty({ example: 118 }) done!: number;
  @ApiProperty({ example: 2 }) dead!: number;
  @ApiProperty({ type: Number, nullable: true, example: 0.9833 }) successRate!: number | null;
}

export class ConnectorReportDto extends OmitType(ActionReportRowDto, ['actionType'] as const) {}

export class ActionsReportDto implements ActionsReport {
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ type: [ActionReportRowDto] }) rows!: ActionReportRowDto[];
  @ApiProperty({ type: [ConnectorReportDto] }) connectors!: ConnectorReportDto[];
}

class OverviewTotalsDto extends LeadCountsDto {
  @ApiProperty({ example: 60, description: 'Neither won nor lost.' }) open!: number;
}

class OverviewActionsDto {
  @ApiProperty() done!: number;
  @ApiProperty() dead!: number;
  @ApiProperty({ type: Number, nullable: true }) successRate!: number | null;
}

export class OverviewReportDto implements OverviewReport {
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ type: OverviewTotalsDto }) totals!: OverviewTotalsDto;
  @ApiProperty({ example: { meta: 70, tiktok: 30, snapchat: 20 } }) byPlatform!: Record<Platform, number>;
  @ApiProperty({ example: 12, description: "Leads received today, each on its branch's local day." }) today!: number;
  @ApiProperty({ type: FirstContactStatsDto }) firstContact!: FirstContactStatsDto;
  @ApiProperty({ type: OverviewActionsDto }) actions!: OverviewActionsDto;
}
