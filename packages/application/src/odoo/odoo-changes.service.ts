import { Injectable } from '@nestjs/common';
import { PrismaClient, type Lead as LeadRow, type LeadEvent } from '@leadflow/db';
import { oursIsLater, statusesForOdoo } from '@leadflow/domain';
import { outboxMessage } from '@leadflow/queue';
import { Clock } from '../clock.js';
import { LeadStatusService } from '../leads/lead-status.service.js';
import { recordTimeline } from '../leads/timeline.js';
import type { Tx } from '../prisma-tx.js';
import { LeadRouter } from '../routing/lead-router.service.js';

/** A crm.lead of ours as the Odoo sync read it. */
export interface OdooLeadRecord {
  id: number;
  writeDate: Date;
  stage?: { id: number; name: string; isWon: boolean };
  userId?: number;
  active: boolean;
  lostReason?: string;
}

/**
 * What Odoo had for a lead when we last read it or wrote it (lead.odoo_state): a change from Odoo
 * is what differs from this, so an unrelated edit there (a note, a phone) never moves our lead.
 */
export interface OdooState {
  stageId?: number;
  userId?: number;
  active: boolean;
  /** When we last read or wrote it: our changes after this are "since the last sync". */
  seenAt: string;
}

export type OdooChangeOutcome = { lead: 'not_ours' } | { lead: 'found'; status?: 'applied' | 'kept_ours'; assignee?: 'applied' | 'kept_ours' | 'unknown_user' };

/** Records what Odoo now has for the lead (merged into what we knew): the next read sees it as no change. */
export async function rememberOdooState(db: Tx | PrismaClient, leadId: string, state: Partial<Omit<OdooState, 'seenAt'>>, at: Date): Promise<void> {
  await db.$executeRaw`UPDATE lead SET odoo_state = COALESCE(odoo_state, '{}'::jsonb) || ${JSON.stringify(knownState(state, at.toISOString()))}::jsonb WHERE id = ${leadId}::uuid`;
}

/**
 * `apply` would change nothing but `odoo_state`: the stage (and archive state) is the one we knew or
 * maps to the lead's status already, and the salesperson is the one we knew or the owner's Odoo user.
 */
function changesNothing(lead: { odoo_state: OdooState | null; status: string; owner_odoo_user_id: number | null }, record: OdooLeadRecord, stageMap: Record<string, string>): boolean {
  const wanted = stageMoved(lead.odoo_state, record) ? statusesForOdoo(record, stageMap) : [];
  const salesperson = !salespersonMoved(lead.odoo_state, record) || lead.owner_odoo_user_id === record.userId;
  return (wanted.length === 0 || wanted.includes(lead.status as LeadRow['status'])) && salesperson;
}

/** Odoo's stage or archive state differs from what we last read or wrote. */
function stageMoved(seen: OdooState | null, record: OdooLeadRecord): boolean {
  return !seen || seen.stageId !== record.stage?.id || seen.active !== record.active;
}

/** Odoo names a salesperson other than the one we last read or wrote. */
function salespersonMoved(seen: OdooState | null, record: OdooLeadRecord): boolean {
  return Boolean(record.userId) && (!seen || seen.userId !== record.userId);
}

/** `odoo_state` keys for what was read (undefined ones left as they were), seen now. */
function knownState(state: Partial<Omit<OdooState, 'seenAt'>>, seenAt: string): Record<string, unknown> {
  return { ...Object.fromEntries(Object.entries(state).filter(([, value]) => value !== undefined)), seenAt };
}

/**
 * Applies what salespeople changed in Odoo — stage (and so won/lost) and salesperson — as the
 * actor "odoo", firing the usual automations but writing nothing back. When we changed the same
 * thing since the last sync, the later change wins: Odoo's is applied (its timeline entry names
 * ours), or ours is kept, Odoo's recorded as `odoo_change_overridden`, and ours written to Odoo again.
 */
@Injectable()
export class OdooChanges {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly clock: Clock,
    private readonly statuses: LeadStatusService,
    private readonly router: LeadRouter,
  ) {}

  /**
   * A page of changed records. Most are our own writes coming back (every write moves Odoo's
   * `write_date`) or a first read of a lead we created, carrying nothing that would change ours:
   * those are recognised in one read and remembered in one write. The others go through `apply`,
   * one locked transaction each (which decides again on what it reads under the lock).
   */
  async applyAll(records: OdooLeadRecord[], stageMap: Record<string, string>): Promise<OdooChangeOutcome[]> {
    // The lead `apply` would take for each Odoo id (the earliest received), with its status and its owner's Odoo user.
    const rows = await this.prisma.$queryRaw<{ id: string; odoo_lead_id: number; odoo_state: OdooState | null; status: string; owner_odoo_user_id: number | null }[]>`
      SELECT DISTINCT ON (l.odoo_lead_id) l.id::text AS id, l.odoo_lead_id, l.odoo_state, l.status::text AS status, e.odoo_user_id AS owner_odoo_user_id
      FROM lead l LEFT JOIN employee e ON e.id = l.assignee_id
      WHERE l.odoo_lead_id = ANY(${records.map((r) => r.id)}::int[]) ORDER BY l.odoo_lead_id, l.received_at`;
    const ours = new Map(rows.map((row) => [row.odoo_lead_id, row]));
    const remembered: { id: string; state: Record<string, unknown> }[] = [];
    const outcomes: OdooChangeOutcome[] = [];
    const now = this.clock.now().toISOString();
    for (const record of records) {
      const row = ours.get(record.id);
      if (!row) outcomes.push({ lead: 'not_ours' });
      else if (changesNothing(row, record, stageMap)) {
        remembered.push({ id: row.id, state: knownState({ stageId: record.stage?.id, userId: record.userId, active: record.active }, now) });
        outcomes.push({ lead: 'found' });
      } else outcomes.push(await this.apply(record, stageMap));
    }
    if (remembered.length > 0) {
      await this.prisma.$executeRaw`
        UPDATE lead l SET odoo_state = COALESCE(l.odoo_state, '{}'::jsonb) || u.state
        FROM unnest(${remembered.map((r) => r.id)}::uuid[], ${remembered.map((r) => JSON.stringify(r.state))}::jsonb[]) AS u(id, state) WHERE l.id = u.id`;
    }
    return outcomes;
  }

  async apply(record: OdooLeadRecord, stageMap: Record<string, string>): Promise<OdooChangeOutcome> {
    return this.prisma.$transaction(async (tx): Promise<OdooChangeOutcome> => {
      const [found] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM lead WHERE odoo_lead_id = ${record.id} ORDER BY received_at LIMIT 1 FOR UPDATE`;
      if (!found) return { lead: 'not_ours' };
      const lead = await tx.lead.findUniqueOrThrow({ where: { id: found.id } });
      const seen = lead.odooState as unknown as OdooState | null;
      const since = seen ? new Date(seen.seenAt) : lead.receivedAt;
      const result: OdooChangeOutcome = { lead: 'found' };
      let pushOurs = false;

      if (stageMoved(seen, record)) {
        const wanted = statusesForOdoo(record, stageMap);
        if (wanted.length > 0 && !wanted.includes(lead.status)) {
          const to = wanted[0]!;
          const ours = await this.lastChangeOfOurs(tx, lead.id, 'status_changed', since);
          const odoo = { stage: record.stage?.name, archived: !record.active || undefined, changedAt: record.writeDate.toISOString() };
          if (ours && oursIsLater(ours.occurredAt, record.writeDate)) {
            await this.recordOverridden(tx, lead, 'status', { ...odoo, status: to }, record.writeDate, { status: lead.status, actor: ours.actor, at: ours.occurredAt });
            result.status = 'kept_ours';
            pushOurs = true;
          } else {
            const overrode = ours ? { status: (ours.payload as { to?: string }).to, actor: ours.actor, at: ours.occurredAt.toISOString() } : undefined;
            await this.statuses.applyOdooStatus(tx, lead.id, to, { reason: record.lostReason, details: { ...odoo, overrode } });
            result.status = 'applied';
          }
        }
      }

      if (salespersonMoved(seen, record)) {
        const employee = await tx.employee.findFirst({ where: { odooUserId: record.userId! }, orderBy: [{ active: 'desc' }, { createdAt: 'asc' }] });
        if (!employee) result.assignee = 'unknown_user';
        else if (employee.id !== lead.assigneeId) {
          const ours = await this.lastChangeOfOurs(tx, lead.id, 'assigned', since);
          const odoo = { odooUserId: record.userId, changedAt: record.writeDate.toISOString() };
          if (ours && oursIsLater(ours.occurredAt, record.writeDate)) {
            await this.recordOverridden(tx, lead, 'assignee', { ...odoo, employeeId: employee.id, employeeName: employee.name }, record.writeDate, { employeeId: lead.assigneeId, actor: ours.actor, at: ours.occurredAt });
            result.assignee = 'kept_ours';
            pushOurs = true;
          } else {
            const overrode = ours ? { employeeId: (ours.payload as { employeeId?: string }).employeeId, actor: ours.actor, at: ours.occurredAt.toISOString() } : undefined;
            await this.router.applyOdooAssignment(tx, lead.id, employee.id, { ...odoo, overrode, reason: 'Reassigned in Odoo' });
            result.assignee = 'applied';
          }
        }
      }

      await rememberOdooState(tx, lead.id, { stageId: record.stage?.id, userId: record.userId, active: record.active }, this.clock.now());
      // Ours won: write it to Odoo again (the sync-status job mirrors stage, salesperson and lost).
      if (pushOurs) await tx.outboxMessage.create({ data: outboxMessage('sync-status', { leadId: lead.id, status: lead.status }, `sync-status:${lead.id}:odoo-kept:${record.writeDate.getTime()}`) });
      return result;
    });
  }

  /** Our latest change of this kind since the last sync (not one the Odoo sync itself made). */
  private lastChangeOfOurs(tx: Tx, leadId: string, type: 'status_changed' | 'assigned', since: Date): Promise<LeadEvent | null> {
    return tx.leadEvent.findFirst({ where: { leadId, type, actor: { not: 'odoo' }, occurredAt: { gt: since } }, orderBy: { occurredAt: 'desc' } });
  }

  private async recordOverridden(tx: Tx, lead: LeadRow, field: 'status' | 'assignee', odoo: Record<string, unknown>, odooChangedAt: Date, kept: Record<string, unknown> & { at: Date }): Promise<void> {
    await recordTimeline(tx, [
      {
        leadId: lead.id,
        type: 'odoo_change_overridden',
        actor: 'odoo',
        occurredAt: this.clock.now(),
        payload: { field, odoo, odooChangedAt: odooChangedAt.toISOString(), kept: { ...kept, at: kept.at.toISOString() } },
      },
    ]);
  }
}
