import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { ESCALATION_ACTIONS, type Branch, type Employee, type EscalationStep, type Team, type TimeOff, type WeeklySchedule, type CreateBranchRequest, type UpdateBranchRequest, type CreateTeamRequest, type UpdateTeamRequest, type CreateEmployeeRequest, type UpdateEmployeeRequest } from '@leadflow/contracts';
import { ArrayMaxSize, IsArray, IsBoolean, IsEmail, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';

const SCHEDULE_EXAMPLE = { sun: [{ start: '09:00', end: '17:00' }], mon: [{ start: '09:00', end: '17:00' }], thu: [{ start: '09:00', end: '13:00' }, { start: '14:00', end: '17:00' }] };

export class CreateBranchDto implements CreateBranchRequest {
  @ApiProperty({ example: 'Riyadh HQ' })
  @IsString()
  @Length(1, 120)
  name!: string;

  @ApiPropertyOptional({ example: 'Riyadh' })
  @IsOptional()
  @IsString()
  @Length(1, 120)
  city?: string;

  @ApiPropertyOptional({ example: 'Riyadh Province' })
  @IsOptional()
  @IsString()
  @Length(1, 120)
  region?: string;

  @ApiPropertyOptional({ example: 'SA' })
  @IsOptional()
  @Matches(/^[A-Z]{2}$/, { message: 'country must be an ISO 3166-1 alpha-2 code such as SA' })
  country?: string;

  @ApiPropertyOptional({ example: 'Asia/Riyadh', default: 'Asia/Riyadh' })
  @IsOptional()
  @IsString()
  timezone?: string;

  @ApiPropertyOptional({ description: 'Shifts per weekday (sun…sat), local HH:MM; an end before the start runs past midnight. Default Sun–Thu 09:00–17:00.', example: SCHEDULE_EXAMPLE })
  @IsOptional()
  @IsObject()
  workingHours?: WeeklySchedule;

  @ApiPropertyOptional({ type: [String], example: ['2026-09-23'] })
  @IsOptional()
  @IsArray()
  holidays?: string[];
}

export class UpdateBranchDto extends PartialType(CreateBranchDto) implements UpdateBranchRequest {}

export class BranchDto implements Branch {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Riyadh HQ' }) name!: string;
  @ApiPropertyOptional({ example: 'Riyadh' }) city?: string;
  @ApiPropertyOptional({ example: 'Riyadh Province' }) region?: string;
  @ApiPropertyOptional({ example: 'SA' }) country?: string;
  @ApiProperty({ example: 'Asia/Riyadh' }) timezone!: string;
  @ApiProperty({ example: SCHEDULE_EXAMPLE }) workingHours!: WeeklySchedule;
  @ApiProperty({ type: [String], example: ['2026-09-23'] }) holidays!: string[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class EscalationStepDto implements EscalationStep {
  @ApiProperty({ example: 0, description: 'Working minutes after the first-contact deadline.' }) afterMinutes!: number;
  @ApiProperty({ enum: ESCALATION_ACTIONS }) action!: EscalationStep['action'];
}

export class CreateTeamDto implements CreateTeamRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  branchId!: string;

  @ApiProperty({ example: 'Villas' })
  @IsString()
  @Length(1, 120)
  name!: string;

  @ApiPropertyOptional({ type: [String], example: ['Villa', 'Townhouse'] })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  products?: string[];

  @ApiPropertyOptional({ example: 15, description: 'First-contact deadline in working minutes after assignment.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_080)
  slaMinutes?: number | null;

  @ApiPropertyOptional({ type: [EscalationStepDto], example: [{ afterMinutes: 0, action: 'notify_manager' }, { afterMinutes: 10, action: 'reassign' }] })
  @IsOptional()
  @IsArray()
  escalation?: EscalationStep[];

  @ApiPropertyOptional({ format: 'uuid', description: 'Employee notified by the notify_manager step.' })
  @IsOptional()
  @IsUUID()
  managerId?: string | null;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  fallbackTeamId?: string | null;

  @ApiPropertyOptional({ example: 60 })
  @IsOptional()
  @IsInt()
  @Min(1)
  queueTimeoutMinutes?: number | null;

  @ApiPropertyOptional({ example: 3 })
  @IsOptional()
  @IsInt()
  odooTeamId?: number | null;
}

export class UpdateTeamDto extends PartialType(CreateTeamDto) implements UpdateTeamRequest {}

export class TeamDto implements Team {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) branchId!: string;
  @ApiProperty({ example: 'Riyadh villas' }) name!: string;
  @ApiProperty({ type: [String], example: ['villa', 'townhouse'] }) products!: string[];
  @ApiPropertyOptional({ example: 15, description: 'First-contact deadline in working minutes.' }) slaMinutes?: number;
  @ApiProperty({ type: [EscalationStepDto] }) escalation!: EscalationStep[];
  @ApiPropertyOptional({ format: 'uuid' }) managerId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) fallbackTeamId?: string;
  @ApiPropertyOptional({ example: 30 }) queueTimeoutMinutes?: number;
  @ApiPropertyOptional({ example: 4 }) odooTeamId?: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class TimeOffDto implements TimeOff {
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
}

export class CreateEmployeeDto implements CreateEmployeeRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  teamId!: string;

  @ApiProperty({ example: 'Sara Al-Harbi' })
  @IsString()
  @Length(1, 120)
  name!: string;

  @ApiPropertyOptional({ example: 'sara@example.com' })
  @IsOptional()
  @IsEmail()
  email?: string;

  @ApiPropertyOptional({ example: '+966551234567' })
  @IsOptional()
  @IsString()
  phone?: string;

  @ApiPropertyOptional({ type: [String], example: ['ar', 'en'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(/^[a-z]{2}$/, { each: true, message: 'languages must be ISO 639-1 codes such as ar or en' })
  languages?: string[];

  @ApiPropertyOptional({ type: [String], example: ['Villa'] })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  products?: string[];

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ default: 20, description: 'Most open, not yet contacted leads at once.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000)
  capacity?: number;

  @ApiPropertyOptional({ default: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  weight?: number;

  @ApiPropertyOptional({ type: [TimeOffDto] })
  @IsOptional()
  @IsArray()
  timeOff?: TimeOff[];

  @ApiPropertyOptional({ example: 7 })
  @IsOptional()
  @IsInt()
  odooUserId?: number | null;
}

export class UpdateEmployeeDto extends PartialType(CreateEmployeeDto) implements UpdateEmployeeRequest {}

export class EmployeeDto implements Employee {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) teamId!: string;
  @ApiProperty({ example: 'سارة القحطاني' }) name!: string;
  @ApiPropertyOptional({ example: 'sara@leadflow.example' }) email?: string;
  @ApiPropertyOptional({ example: '+966551234567' }) phone?: string;
  @ApiProperty({ type: [String], example: ['ar', 'en'] }) languages!: string[];
  @ApiProperty({ type: [String], example: ['villa'] }) products!: string[];
  @ApiProperty() active!: boolean;
  @ApiProperty({ example: 25, description: 'Open leads at most.' }) capacity!: number;
  @ApiProperty({ example: 4, description: 'Open leads held now (assigned, status new, not contacted yet).' }) openLeads!: number;
  @ApiProperty({ example: 1, description: 'Share in weighted round-robin.' }) weight!: number;
  @ApiProperty({ type: [TimeOffDto] }) timeOff!: TimeOff[];
  @ApiPropertyOptional({ example: 7 }) odooUserId?: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}
