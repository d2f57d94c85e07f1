import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LEAD_STATUSES, type AddLeadNoteRequest, type AssignLeadRequest, type ChangeLeadStatusRequest, type LeadStatus, type SetLeadTagsRequest, type RunAutomationRequest, type StatusMirrorQueued } from '@leadflow/contracts';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';

export class AssignLeadDto implements AssignLeadRequest {
  @ApiProperty({ format: 'uuid', description: 'The employee who takes the lead (their team and branch follow).' })
  @IsUUID()
  employeeId!: string;

  @ApiPropertyOptional({ example: 'Customer asked for Sara by name' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  reason?: string;
}

export class ChangeLeadStatusDto implements ChangeLeadStatusRequest {
  @ApiProperty({ enum: LEAD_STATUSES, example: 'contacted', description: 'new → contacted → qualified → proposal → won, or lost from any open status.' })
  @IsIn(LEAD_STATUSES)
  status!: LeadStatus;

  @ApiPropertyOptional({ example: 'Budget too low', description: 'Required for lost.' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  reason?: string;
}

export class RunAutomationDto implements RunAutomationRequest {
  @ApiPropertyOptional({ example: 'tell-owner', description: 'Only this action of the automation.' })
  @IsOptional()
  @IsString()
  actionKey?: string;

  @ApiPropertyOptional({ default: false, description: 'Queue runs that already exist again (a deliberate re-send).' })
  @IsOptional()
  @IsBoolean()
  force?: boolean;
}

export class AddLeadNoteDto implements AddLeadNoteRequest {
  @ApiProperty({ example: 'Prefers a call after 6 pm; asked about the 4-bedroom villas.' })
  @IsString()
  @Length(1, 5000)
  body!: string;
}

export class SetLeadTagsDto implements SetLeadTagsRequest {
  @ApiProperty({ type: [String], example: ['vip', 'callback-evening'], description: 'The new set (replaces the old one).' })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 64, { each: true })
  tags!: string[];
}

export class StatusMirrorQueuedDto implements StatusMirrorQueued {
  @ApiProperty({ example: 'sync-status:7d7c1c2e-2f0b-4c3e-9c1e-5a1b2c3d4e5f:resend:0b6f…' }) jobId!: string;
  @ApiProperty({ enum: LEAD_STATUSES, example: 'qualified' }) status!: LeadStatus;
}
