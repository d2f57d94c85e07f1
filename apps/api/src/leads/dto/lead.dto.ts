import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  LEAD_STATUSES,
  PLATFORMS,
  type Lead,
  type LeadAnswer,
  type LeadAssignee,
  type RelatedLead,
  type LeadAssignment,
  type LeadContact,
  type LeadDetail,
  type LeadMilestones,
  type LeadPage,
  type LeadSource,
  type LeadStatus,
  type LeadTimelineEvent,
  type Platform,
} from '@leadflow/contracts';
import { ActionRunDto } from '../../automations/dto/automation.dto.js';

// Swagger mirrors of the contracts types; `implements` keeps the two from drifting apart.

export class LeadContactDto implements LeadContact {
  @ApiProperty({ format: 'uuid', description: 'Shared by every lead of the same person (same phone or email).' })
  contactId!: string;

  @ApiProperty({ example: 'سارة الحربي', description: 'As given, Unicode NFC; never transliterated. Empty when the form asked for no name.' })
  fullName!: string;

  @ApiPropertyOptional({ example: 'سارة' })
  firstName?: string;

  @ApiPropertyOptional({ example: 'الحربي' })
  lastName?: string;

  @ApiPropertyOptional({ example: '+966551234567', description: 'E.164; absent when missing or unparseable (the raw answer stays in answers).' })
  phone?: string;

  @ApiPropertyOptional({ example: 'sara@example.com', description: 'Trimmed, lower-cased.' })
  email?: string;

  @ApiPropertyOptional({ example: 'Riyadh' })
  city?: string;

  @ApiPropertyOptional({ example: 'Riyadh Province' })
  region?: string;

  @ApiPropertyOptional({ example: 'SA', description: 'ISO 3166-1 alpha-2 from the form, else from the phone number.' })
  country?: string;

  @ApiPropertyOptional({ example: 'ar', description: "ISO 639-1: the person's answer, else the form locale, else the script of the name." })
  language?: string;
}

export class LeadAssignmentDto implements LeadAssignment {
  @ApiProperty({ enum: ['unrouted', 'queued', 'assigned'], example: 'assigned' })
  state!: 'unrouted' | 'queued' | 'assigned';

  @ApiPropertyOptional({ format: 'uuid' })
  branchId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  teamId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The assigned employee.' })
  employeeId?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  assignedAt?: string;

  @ApiPropertyOptional({ format: 'date-time', description: "First-contact deadline (the team's SLA in working hours)." })
  slaDueAt?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'When contact was proven.' })
  contactedAt?: string;
}

export class LeadSourceDto implements LeadSource {
  @ApiPropertyOptional({ example: '23851234567890001' })
  campaignId?: string;

  @ApiPropertyOptional({ example: 'Riyadh villas – spring' })
  campaignName?: string;

  @ApiPropertyOptional({ description: 'Meta ad set / TikTok ad group / Snapchat ad squad', example: '23851234567890002' })
  adsetId?: string;

  @ApiPropertyOptional({ example: 'Riyadh 25-45' })
  adsetName?: string;

  @ApiPropertyOptional({ example: '23851234567890003' })
  adId?: string;

  @ApiPropertyOptional({ example: 'Villa video 1' })
  adName?: string;

  @ApiPropertyOptional({ example: '889912345678901' })
  formId?: string;

  @ApiPropertyOptional({ example: 'Villa enquiry' })
  formName?: string;

  @ApiPropertyOptional({ description: 'Meta only', example: '104285395839201' })
  pageId?: string;

  @ApiPropertyOptional({ description: 'TikTok advertiser_id / Snapchat ad_account_id' })
  advertiserId?: string;

  @ApiPropertyOptional({ enum: ['facebook', 'instagram'], description: 'Meta only' })
  channel?: 'facebook' | 'instagram';

  @ApiPropertyOptional({ description: 'Meta only: lead from the Page, not from an ad' })
  isOrganic?: boolean;
}

export class LeadAnswerDto implements LeadAnswer {
  @ApiProperty({ example: 'which_unit_type?' })
  key!: string;

  @ApiPropertyOptional({ example: 'Which unit type?' })
  label?: string;

  @ApiProperty({ example: 'Villa' })
  value!: string;
}

export class LeadMilestonesDto implements LeadMilestones {
  @ApiPropertyOptional({ format: 'date-time' }) qualifiedAt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) proposalAt?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'When it was won or lost.' }) closedAt?: string;
  @ApiPropertyOptional({ example: 'Budget too low' }) lostReason?: string;
}

export class LeadDto implements Lead {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: PLATFORMS, example: 'meta' })
  platform!: Platform;

  @ApiProperty({ description: "The platform's lead id (unique per platform).", example: '1219012345678901' })
  platformLeadId!: string;

  @ApiProperty({ enum: LEAD_STATUSES, example: 'new' })
  status!: LeadStatus;

  @ApiProperty({ type: LeadContactDto })
  contact!: LeadContactDto;

  @ApiProperty({ type: LeadSourceDto })
  source!: LeadSourceDto;

  @ApiProperty({ type: [LeadAnswerDto], description: 'Every question of the form, known or not.' })
  answers!: LeadAnswerDto[];

  @ApiProperty({ type: LeadAssignmentDto })
  assignment!: LeadAssignmentDto;

  @ApiProperty({ type: [String], example: ['vip'] })
  tags!: string[];

  @ApiProperty({ type: LeadMilestonesDto })
  milestones!: LeadMilestonesDto;

  @ApiPropertyOptional({ format: 'uuid', description: "The same person's earlier lead that this one repeats (duplicate_detected)." })
  duplicateOfId?: string;

  @ApiProperty({ example: '1795279244862', description: 'Send back as `If-Match` on changes: a lead changed meanwhile gives 409.' })
  version!: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'When the person submitted the form (platform time).' })
  submittedAt?: string;

  @ApiProperty({ format: 'date-time', description: 'When our webhook received it.' })
  receivedAt!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class LeadTimelineEventDto implements LeadTimelineEvent {
  @ApiProperty({ example: 'received' })
  type!: string;

  @ApiProperty({ example: 'system' })
  actor!: string;

  @ApiProperty({ format: 'date-time' })
  occurredAt!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { inboundEventId: '0b6f2a52-8a0e-4f57-9d0e-3c7a4b8e2f10' } })
  payload!: Record<string, unknown>;
}

export class LeadAssigneeDto implements LeadAssignee {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Sara Al-Harbi' }) name!: string;
  @ApiPropertyOptional({ example: 'sara@leadflow.example' }) email?: string;
  @ApiPropertyOptional({ example: '+966551234567' }) phone?: string;
}

export class RelatedLeadDto implements RelatedLead {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: PLATFORMS }) platform!: Platform;
  @ApiProperty({ enum: LEAD_STATUSES }) status!: LeadStatus;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
}

export class LeadDetailDto extends LeadDto implements LeadDetail {
  @ApiPropertyOptional({ type: LeadAssigneeDto })
  assignee?: LeadAssigneeDto;

  @ApiProperty({ type: [RelatedLeadDto], description: "The same person's other leads that you may see." })
  otherLeads!: RelatedLeadDto[];

  @ApiProperty({ type: [LeadTimelineEventDto] })
  timeline!: LeadTimelineEventDto[];

  @ApiProperty({ type: [ActionRunDto] })
  actionRuns!: ActionRunDto[];
}

export class LeadPageDto implements LeadPage {
  @ApiProperty({ type: [LeadDto] })
  data!: LeadDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass back as `cursor` for the next page; null on the last page.' })
  nextCursor!: string | null;
}
