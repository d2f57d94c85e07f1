import type { ActionExecutor, ActionOutcome, LeadForAction } from '@leadflow/application';
import type { AppConfig } from '@leadflow/config';
import type { LeadAnswer } from '@leadflow/contracts';
import type { ActionRun as ActionRunRow, SqlPool } from '@leadflow/db';
import { localTime } from '@leadflow/domain';
import type { OdooCrmClient, OdooLeadValues } from '@leadflow/integration-odoo';
import { platformLabel } from './lead-context.js';

type OdooConfig = NonNullable<AppConfig['odoo']>;

function leadValues(lead: LeadForAction, config: OdooConfig, params: Record<string, unknown>): OdooLeadValues {
  const answers = lead.answers as unknown as LeadAnswer[];
  const products = new Set((lead.team?.products ?? []).map((p) => p.toLowerCase()));
  const asked = answers.map((a) => a.value).filter((v) => products.has(v.toLowerCase()));
  return {
    ref: lead.id,
    name: `${lead.campaignName ?? lead.formName ?? platformLabel(lead)} – ${lead.fullName || lead.phone || lead.email || lead.platformLeadId}`,
    type: config.leadType,
    contactName: lead.fullName || undefined,
    email: lead.email ?? undefined,
    phone: lead.phone ?? undefined,
    city: lead.city ?? undefined,
    countryCode: lead.country && /^[A-Z]{2}$/.test(lead.country) ? lead.country : undefined,
    answers: [...answers.map((a) => ({ label: a.label ?? a.key, value: a.value })), { label: 'Received', value: lead.receivedAt.toISOString() }],
    teamId: lead.team?.odooTeamId ?? undefined,
    userId: lead.assignee?.odooUserId ?? undefined,
    source: platformLabel(lead),
    medium: lead.isOrganic ? 'Organic Social' : 'Paid Social',
    campaign: lead.campaignName ?? undefined,
    tags: [platformLabel(lead), ...new Set(asked)],
    priority: (['0', '1', '2', '3'].includes(String(params.priority)) ? String(params.priority) : '1') as OdooLeadValues['priority'],
  };
}

// A run that finds no Odoo id and is not the claimant looks again this often, this many times,
// before it creates the record itself: the claimant normally holds the lock within milliseconds.
const CLAIMANT_WAIT_MS = 25;
const CLAIMANT_WAITS = 20;

/**
 * Creates or updates the lead's crm.lead and remembers its id. Two actions of one lead (sync and
 * activity) run in parallel jobs: a per-lead advisory lock makes them take turns, so the second
 * finds the Odoo lead the first created and Odoo never gets two leads for one lead.
 *
 * Finding an Odoo lead an earlier attempt created (its answer lost, or the worker gone before the
 * id was stored) takes a search Odoo answers by reading every crm.lead. Only the run that claimed
 * the creation (`odoo_lead_claim`, committed before it calls Odoo) creates without it; any other
 * run waits for the claimant's id, and if it has to create the record itself it first revokes the
 * claim — so after any attempt that may have created it, every creator searches.
 */
export async function syncToOdoo(
  odoo: OdooCrmClient,
  config: OdooConfig,
  lead: LeadForAction,
  db: SqlPool,
  options: { params?: Record<string, unknown>; onlyIfMissing?: boolean } = {},
): Promise<{ id: number; created: boolean }> {
  const params = options.params ?? {};
  const claimant =
    lead.odooLeadId === null && (await db.query('INSERT INTO odoo_lead_claim (lead_id) VALUES ($1::uuid) ON CONFLICT (lead_id) DO NOTHING RETURNING true AS claimed', [lead.id])).length > 0;
  let revoked = false;
  for (let waited = 0; ; waited++) {
    // Odoo calls happen inside the transaction: it holds the lead's lock for as long as Odoo takes.
    const synced = await db.transaction(async (tx) => {
      // The lock, then the stored id read after it is granted: what the previous holder committed.
      const [row] = await tx.query<{ odoo_lead_id: number | null; skip_search: boolean | null }>('SELECT odoo_lead_id, skip_search FROM odoo_lead_lock($1::uuid)', [lead.id]);
      if (!row) throw new Error(`lead ${lead.id} does not exist`);
      const odooLeadId = row.odoo_lead_id;
      // A claim made after the id was stored (this run's lead was read before): nothing to claim.
      if (odooLeadId && row.skip_search !== null) await tx.query('DELETE FROM odoo_lead_claim WHERE lead_id = $1::uuid', [lead.id]);
      // The activity only needs the Odoo lead to exist; updating it is odoo.sync_lead's job.
      if (odooLeadId && options.onlyIfMissing) return { id: odooLeadId, created: false };
      const unseen = !odooLeadId && claimant && row.skip_search === true;
      if (!odooLeadId && !unseen && !claimant && !revoked) return undefined; // the claimant's to create
      const result = await odoo.syncLead(leadValues(lead, config, params), odooLeadId ?? undefined, { unseen });
      if (result.id !== odooLeadId) {
        await tx.query('WITH claim AS (DELETE FROM odoo_lead_claim WHERE lead_id = $1::uuid) UPDATE lead SET odoo_lead_id = $2, updated_at = clock_timestamp() WHERE id = $1::uuid', [lead.id, result.id]);
      }
      return result;
    });
    if (synced) return synced;
    if (waited < CLAIMANT_WAITS) {
      await new Promise((resolve) => setTimeout(resolve, CLAIMANT_WAIT_MS));
      continue;
    }
    // The claimant has not stored an id in time (gone, or still waiting for a connection): this run
    // creates it, after searching, and no claimant may skip the search from now on.
    await db.query('INSERT INTO odoo_lead_claim (lead_id, skip_search) VALUES ($1::uuid, false) ON CONFLICT (lead_id) DO UPDATE SET skip_search = false', [lead.id]);
    revoked = true;
  }
}

export class OdooSyncLeadExecutor implements ActionExecutor {
  readonly type = 'odoo.sync_lead' as const;

  constructor(
    private readonly odoo: OdooCrmClient,
    private readonly config: OdooConfig,
  ) {}

  async execute(run: ActionRunRow, lead: LeadForAction, db: SqlPool): Promise<ActionOutcome> {
    const { id, created } = await syncToOdoo(this.odoo, this.config, lead, db, { params: run.params as Record<string, unknown> });
    return { externalId: String(id), result: { model: 'crm.lead', id, created } };
  }
}

/** A To Do for the owner on the Odoo lead, due by the first-contact deadline, with call and WhatsApp links. */
export class OdooCreateActivityExecutor implements ActionExecutor {
  readonly type = 'odoo.create_activity' as const;

  constructor(
    private readonly odoo: OdooCrmClient,
    private readonly config: OdooConfig,
  ) {}

  async execute(run: ActionRunRow, lead: LeadForAction, db: SqlPool): Promise<ActionOutcome> {
    // Runs of one automation are separate jobs: whichever comes first makes sure the Odoo lead exists.
    const { id: odooLeadId } = await syncToOdoo(this.odoo, this.config, lead, db, { onlyIfMissing: true });
    const params = run.params as { summary?: string };
    const due = lead.slaDueAt ?? new Date();
    const digits = lead.phone?.replace(/\D/g, '');
    const { id, created } = await this.odoo.createActivity({
      leadId: odooLeadId,
      userId: lead.assignee?.odooUserId ?? undefined,
      summary: params.summary ?? `Call ${lead.fullName || 'the new lead'}`,
      note: [
        `${lead.fullName} · ${lead.phone ?? 'no phone'} · ${lead.email ?? 'no email'}`,
        `${platformLabel(lead)} · ${lead.campaignName ?? lead.formName ?? ''}`,
        ...(digits ? [`Call: tel:+${digits}`, `WhatsApp: https://wa.me/${digits}`] : []),
      ],
      // Odoo wants the deadline as a date: the SLA's local date in the branch's timezone.
      deadline: localTime(due, lead.branch?.timezone ?? 'Asia/Riyadh').date,
      marker: `LeadFlow run ${run.id}:${run.generation}`,
    });
    return { externalId: String(id), result: { model: 'mail.activity', id, created, leadId: odooLeadId } };
  }
}
