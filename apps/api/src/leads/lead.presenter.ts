import { leadVersion } from '@leadflow/application';
import type { Lead, LeadAnswer, LeadTimelineEvent } from '@leadflow/contracts';
import type { Lead as LeadRow, LeadEvent as LeadEventRow } from '@leadflow/db';

/** Drops null columns so optional contract fields are absent rather than null. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as T;
}

export function toLead(row: LeadRow): Lead {
  return {
    id: row.id,
    platform: row.platform,
    platformLeadId: row.platformLeadId,
    status: row.status,
    contact: defined({
      contactId: row.contactId,
      fullName: row.fullName,
      firstName: row.firstName,
      lastName: row.lastName,
      phone: row.phone,
      email: row.email,
      city: row.city,
      region: row.region,
      country: row.country,
      language: row.language,
    }) as Lead['contact'],
    source: defined({
      campaignId: row.campaignId,
      campaignName: row.campaignName,
      adsetId: row.adsetId,
      adsetName: row.adsetName,
      adId: row.adId,
      adName: row.adName,
      formId: row.formId,
      formName: row.formName,
      pageId: row.pageId,
      advertiserId: row.advertiserId,
      channel: row.channel,
      isOrganic: row.isOrganic,
    }) as Lead['source'],
    answers: row.answers as unknown as LeadAnswer[],
    assignment: defined({
      state: row.routingState,
      branchId: row.branchId,
      teamId: row.teamId,
      employeeId: row.assigneeId,
      assignedAt: row.assignedAt?.toISOString(),
      slaDueAt: row.slaDueAt?.toISOString(),
      contactedAt: row.contactedAt?.toISOString(),
    }) as Lead['assignment'],
    tags: row.tags,
    milestones: defined({
      qualifiedAt: row.qualifiedAt?.toISOString(),
      proposalAt: row.proposalAt?.toISOString(),
      closedAt: row.closedAt?.toISOString(),
      lostReason: row.lostReason,
    }) as Lead['milestones'],
    duplicateOfId: row.duplicateOfId ?? undefined,
    version: leadVersion(row.updatedAt),
    submittedAt: row.submittedAt?.toISOString(),
    receivedAt: row.receivedAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toTimelineEvent(row: LeadEventRow): LeadTimelineEvent {
  return { type: row.type, actor: row.actor, occurredAt: row.occurredAt.toISOString(), payload: row.payload as Record<string, unknown> };
}

export const versionOf = leadVersion;
