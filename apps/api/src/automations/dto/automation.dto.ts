import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  ACTION_RUN_STATUSES,
  ACTION_TYPES,
  AUTOMATION_TRIGGERS,
  LEAD_STATUSES,
  type ActionRun,
  type ActionRunStatus,
  type ActionType,
  type Automation,
  type AutomationAction,
  type AutomationTrigger,
  type Condition, type CreateAutomationRequest, type UpdateAutomationRequest, type ActionRunPage, type ListActionRunsQuery as ListActionRunsRequest, type ManualRunResult, type ManualRun } from '@leadflow/contracts';
import { IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { PageQuery } from '../../common/page.query.js';
import { ConditionDto } from '../../routing/dto/routing.dto.js';

export class AutomationActionDto implements AutomationAction {
  @ApiProperty({ example: 'tell-owner', description: 'Stable id within the automation; a run is unique per (lead, automation, key).' }) key!: string;
  @ApiProperty({ enum: ACTION_TYPES }) type!: ActionType;
  @ApiProperty({ example: { to: 'assignee', title: 'New lead: {{lead.fullName}}', body: '{{lead.phone}} from {{lead.campaignName}}' } }) params!: Record<string, unknown>;
  @ApiPropertyOptional({ example: 0 }) delaySeconds?: number;
}

export class CreateAutomationDto implements CreateAutomationRequest {
  @ApiProperty({ example: 'Tell the owner about new leads' })
  @IsString()
  @Length(1, 120)
  name!: string;

  @ApiProperty({ enum: AUTOMATION_TRIGGERS })
  @IsIn(AUTOMATION_TRIGGERS)
  trigger!: AutomationTrigger;

  @ApiPropertyOptional({ enum: LEAD_STATUSES, description: 'lead.status_changed only' })
  @IsOptional()
  @IsIn(LEAD_STATUSES)
  fromStatus?: string | null;

  @ApiPropertyOptional({ enum: LEAD_STATUSES, description: 'lead.status_changed only' })
  @IsOptional()
  @IsIn(LEAD_STATUSES)
  toStatus?: string | null;

  @ApiPropertyOptional({ type: [ConditionDto] })
  @IsOptional()
  @IsArray()
  conditions?: Condition[];

  @ApiProperty({ type: [AutomationActionDto] })
  @IsArray()
  actions!: AutomationAction[];

  @ApiPropertyOptional({ default: 0, description: 'Higher runs first.' })
  @IsOptional()
  @IsInt()
  @Min(-1000)
  @Max(1000)
  priority?: number;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateAutomationDto extends PartialType(CreateAutomationDto) implements UpdateAutomationRequest {}

export class AutomationDto implements Automation {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Welcome on WhatsApp' }) name!: string;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ enum: AUTOMATION_TRIGGERS }) trigger!: AutomationTrigger;
  @ApiPropertyOptional({ example: 'new' }) fromStatus?: string;
  @ApiPropertyOptional({ example: 'qualified' }) toStatus?: string;
  @ApiProperty({ type: [ConditionDto] }) conditions!: Condition[];
  @ApiProperty({ type: [AutomationActionDto] }) actions!: AutomationAction[];
  @ApiProperty({ example: 100 }) priority!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class ActionRunDto implements ActionRun {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) leadId!: string;
  @ApiProperty({ format: 'uuid' }) automationId!: string;
  @ApiProperty({ example: 'welcome' }) actionKey!: string;
  @ApiProperty({ enum: ACTION_TYPES }) actionType!: ActionType;
  @ApiProperty({ enum: ACTION_RUN_STATUSES }) status!: ActionRunStatus;
  @ApiProperty({ example: 1 }) attempts!: number;
  @ApiProperty({ example: 5 }) maxAttempts!: number;
  @ApiPropertyOptional({ example: 'whatsapp.send_template TEMPORARY: no answer within 10000 ms' }) lastError?: string;
  @ApiPropertyOptional({ example: 'wamid.HBgM…' }) externalId?: string;
  @ApiPropertyOptional({ example: { messageId: 'wamid.HBgM…', status: 'delivered' } }) result?: Record<string, unknown>;
  @ApiProperty({ example: 1, description: 'Times queued (retries, lost workers and re-sends each add one).' }) dispatch!: number;
  @ApiProperty({ example: 1, description: '1 plus forced re-sends; retries never send a generation twice.' }) generation!: number;
  @ApiProperty({ format: 'date-time' }) scheduledAt!: string;
  @ApiPropertyOptional({ format: 'date-time' }) startedAt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) finishedAt?: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class ActionRunPageDto implements ActionRunPage {
  @ApiProperty({ type: [ActionRunDto] }) data!: ActionRunDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class ListActionRunsQuery extends PageQuery implements ListActionRunsRequest {
  @ApiPropertyOptional({ enum: ACTION_RUN_STATUSES, example: 'dead' })
  @IsOptional()
  @IsIn(ACTION_RUN_STATUSES)
  status?: ActionRunStatus;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  leadId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  automationId?: string;
}

export class ManualRunResultDto implements ManualRunResult {
  @ApiProperty() actionKey!: string;
  @ApiProperty({ format: 'uuid' }) actionRunId!: string;
  @ApiProperty({ description: 'false when the run already existed and was left alone (no force).' }) queued!: boolean;
}

export class ManualRunDto implements ManualRun {
  @ApiProperty({ type: [ManualRunResultDto] }) runs!: ManualRunResultDto[];
}
