import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { ASSIGNMENT_STRATEGIES, CONDITION_OPERATORS, PLATFORMS, type AssignmentStrategy, type Condition, type Platform, type RoutingDecision, type RoutingRule, type CreateRoutingRuleRequest, type UpdateRoutingRuleRequest, type ReorderRoutingRulesRequest, type SimulatedLead, type SimulateRoutingRequest, type SimulationResult, type Simulation } from '@leadflow/contracts';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsBoolean, IsDate, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min, ValidateNested } from 'class-validator';

export class ConditionDto implements Condition {
  @ApiProperty({
    description: 'platform, status, campaign.id/name, adset.id/name, ad.id/name, form.id/name, city, region, country, language, hour, weekday, answers, answer:<question key>',
    example: 'answer:which_unit_type?',
  })
  field!: string;

  @ApiProperty({ enum: CONDITION_OPERATORS, example: 'equals' })
  op!: Condition['op'];

  @ApiPropertyOptional({ description: 'Text, number, list (in/not_in) or [min, max] (between).', example: 'Villa' })
  value?: Condition['value'];
}

export class CreateRoutingRuleDto implements CreateRoutingRuleRequest {
  @ApiProperty({ example: 'Villas in Riyadh' })
  @IsString()
  @Length(1, 120)
  name!: string;

  @ApiPropertyOptional({ type: [ConditionDto], description: 'All must hold. Empty matches every lead.' })
  @IsOptional()
  @IsArray()
  conditions?: Condition[];

  @ApiPropertyOptional({ format: 'uuid', description: 'Target a branch (pools all its teams)…' })
  @IsOptional()
  @IsUUID()
  branchId?: string | null;

  @ApiPropertyOptional({ format: 'uuid', description: '…or a team (exactly one of the two).' })
  @IsOptional()
  @IsUUID()
  teamId?: string | null;

  @ApiProperty({ enum: ASSIGNMENT_STRATEGIES, example: 'round_robin' })
  @IsIn(ASSIGNMENT_STRATEGIES)
  strategy!: AssignmentStrategy;

  @ApiPropertyOptional({ format: 'uuid', description: 'The person, for strategy `fixed`.' })
  @IsOptional()
  @IsUUID()
  employeeId?: string | null;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ default: false, description: 'The catch-all, evaluated after every other rule; only one may exist and it has no conditions.' })
  @IsOptional()
  @IsBoolean()
  isDefault?: boolean;

  @ApiPropertyOptional({ description: 'Evaluation order (smallest first); new rules go last.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  position?: number;
}

export class UpdateRoutingRuleDto extends PartialType(CreateRoutingRuleDto) implements UpdateRoutingRuleRequest {}

export class RoutingRuleDto implements RoutingRule {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'UAE numbers → Dubai' }) name!: string;
  @ApiProperty({ example: 1, description: 'Evaluation order; the default rule comes last.' }) position!: number;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ type: [ConditionDto] }) conditions!: Condition[];
  @ApiPropertyOptional({ format: 'uuid' }) branchId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) teamId?: string;
  @ApiProperty({ enum: ASSIGNMENT_STRATEGIES }) strategy!: AssignmentStrategy;
  @ApiPropertyOptional({ format: 'uuid' }) employeeId?: string;
  @ApiProperty() isDefault!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class ReorderRoutingRulesDto implements ReorderRoutingRulesRequest {
  @ApiProperty({ type: [String], description: 'Every rule id except the default, in the new evaluation order.' })
  @IsArray()
  @ArrayMinSize(1)
  @IsUUID('all', { each: true })
  ruleIds!: string[];
}

class SimulatedAnswerDto {
  @ApiProperty({ example: 'which_unit_type?' })
  @IsString()
  @Length(1, 200)
  key!: string;

  @ApiProperty({ example: 'Villa' })
  @IsString()
  @Length(0, 2000)
  value!: string;
}

export class SimulatedLeadDto implements SimulatedLead {
  @ApiProperty({ enum: PLATFORMS, example: 'meta' })
  @IsIn(PLATFORMS)
  platform!: Platform;

  @ApiPropertyOptional() @IsOptional() @IsString() campaignId?: string;
  @ApiPropertyOptional({ example: 'Riyadh villas – spring' }) @IsOptional() @IsString() campaignName?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() adsetId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() adsetName?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() adId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() adName?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() formId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() formName?: string;
  @ApiPropertyOptional({ example: 'Riyadh' }) @IsOptional() @IsString() city?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() region?: string;
  @ApiPropertyOptional({ example: 'SA' }) @IsOptional() @IsString() country?: string;
  @ApiPropertyOptional({ example: 'ar' }) @IsOptional() @IsString() language?: string;
  @ApiPropertyOptional({ example: '0551234567', description: 'Gives the country when none is set, as for real leads.' }) @IsOptional() @IsString() phone?: string;
  @ApiPropertyOptional({ example: 'سارة الحربي' }) @IsOptional() @IsString() fullName?: string;

  @ApiPropertyOptional({ type: [SimulatedAnswerDto] })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => SimulatedAnswerDto)
  answers?: SimulatedAnswerDto[];
}

export class SimulateRoutingDto implements SimulateRoutingRequest {
  @ApiPropertyOptional({ type: SimulatedLeadDto, description: 'A lead that is not stored…' })
  @IsOptional()
  @ValidateNested()
  @Type(() => SimulatedLeadDto)
  lead?: SimulatedLeadDto;

  @ApiPropertyOptional({ format: 'uuid', description: '…or a stored lead…' })
  @IsOptional()
  @IsUUID()
  leadId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: '…or the stored leads received in a range (with receivedTo).' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'receivedFrom must be an ISO 8601 date' })
  receivedFrom?: Date;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'receivedTo must be an ISO 8601 date' })
  receivedTo?: Date;

  @ApiPropertyOptional({ default: 100, maximum: 500, description: 'Most leads of a range to simulate.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class RoutingDecisionDto implements RoutingDecision {
  @ApiPropertyOptional({ format: 'uuid' }) ruleId?: string;
  @ApiPropertyOptional() ruleName?: string;
  @ApiProperty({ description: 'Conditions of the winning rule with the values that satisfied them.', example: [{ field: 'country', op: 'equals', expected: 'AE', actual: 'AE' }] })
  matched!: RoutingDecision['matched'];
  @ApiProperty({ description: 'Rules tried before, each with the condition it failed on.' }) rejected!: RoutingDecision['rejected'];
  @ApiPropertyOptional({ format: 'uuid' }) branchId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) teamId?: string;
  @ApiPropertyOptional({ enum: ASSIGNMENT_STRATEGIES }) strategy?: AssignmentStrategy;
  @ApiProperty({ enum: ['assigned', 'queued', 'no_rule'] }) outcome!: RoutingDecision['outcome'];
  @ApiPropertyOptional({ format: 'uuid' }) employeeId?: string;
  @ApiPropertyOptional() employeeName?: string;
  @ApiProperty() fellBack!: boolean;
  @ApiProperty({ example: [{ employeeId: '…', name: 'Omar', reason: 'at capacity (20/20 open leads)' }] }) skipped!: RoutingDecision['skipped'];
  @ApiProperty({ example: 'Rule "UAE numbers" matched country equals "AE" (was "AE"). least_loaded chose Lina (fewest open leads).' }) explanation!: string;
}

export class SimulationResultDto implements SimulationResult {
  @ApiPropertyOptional({ format: 'uuid' }) leadId?: string;
  @ApiProperty({ type: RoutingDecisionDto }) decision!: RoutingDecisionDto;
}

export class SimulationDto implements Simulation {
  @ApiProperty({ type: [SimulationResultDto] }) results!: SimulationResultDto[];
}
