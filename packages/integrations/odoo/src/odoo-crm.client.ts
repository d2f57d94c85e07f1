import { IntegrationError } from '@leadflow/integration-common';
import type { OdooTransport } from './odoo-transport.js';

/** What we write to a crm.lead (Odoo 16–18 field names; 19 drops `mobile`, which we never send). */
export interface OdooLeadValues {
  /** Our lead id: marked in the description so a lost create answer never leads to a second Odoo lead. */
  ref: string;
  name: string;
  type: 'lead' | 'opportunity';
  contactName?: string;
  email?: string;
  phone?: string;
  city?: string;
  /** ISO 3166-1 alpha-2, looked up in res.country. */
  countryCode?: string;
  answers: { label: string; value: string }[];
  teamId?: number;
  userId?: number;
  /** UTM names, looked up (and created when missing). */
  source: string;
  medium: string;
  campaign?: string;
  tags: string[];
  /** `'0'` low … `'3'` very high. */
  priority: '0' | '1' | '2' | '3';
}

export interface OdooActivityValues {
  leadId: number;
  userId?: number;
  summary: string;
  /** Plain text lines; sent as HTML paragraphs. */
  note: string[];
  /** Local date `YYYY-MM-DD`. */
  deadline: string;
  /** Makes a repeated create find the first one instead (`<run>:<generation>`). */
  marker: string;
}

/** A crm.lead as the sync back from Odoo sees it. */
export interface OdooLeadChange {
  id: number;
  /** Odoo's `write_date`: UTC, to the second. */
  writeDate: Date;
  /** The Odoo text form, kept as the cursor (`2026-11-21 09:30:05`). */
  writeDateText: string;
  stage?: { id: number; name: string };
  userId?: number;
  /** false once a salesperson marked it lost (Odoo archives lost leads). */
  active: boolean;
  lostReason?: string;
}

export interface OdooStage {
  id: number;
  name: string;
  isWon: boolean;
}

/** Where the change feed got to: the last record read, in `write_date, id` order. */
export interface OdooChangeCursor {
  writeDate: string;
  id: number;
}

const parseOdooDatetime = (text: string) => new Date(`${text.replace(' ', 'T')}Z`);
const many2one = (value: unknown): { id: number; name: string } | undefined => (Array.isArray(value) ? { id: value[0] as number, name: String(value[1]) } : undefined);

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
export const refMarker = (ref: string) => `LeadFlow ref ${ref}`;
// Archived (lost) leads are still ours: search them too.
const ALL = { context: { active_test: false } };

type Row = Record<string, unknown> & { id: number };

/** The crm.lead operations our actions need, over any OdooTransport. Lookups are cached per process. */
export class OdooCrmClient {
  private readonly ids = new Map<string, Promise<number | undefined>>();

  constructor(private readonly odoo: OdooTransport) {}

  /**
   * Writes our lead in Odoo: straight to the id we stored (one call), else — that record deleted,
   * or no id yet — to the lead carrying our marker, or creates it. `unseen`: no earlier attempt can
   * have created it, so it is created without that search (which Odoo answers by reading the
   * description of every crm.lead: it cannot index it).
   */
  async syncLead(values: OdooLeadValues, knownId?: number, { unseen = false } = {}): Promise<{ id: number; created: boolean }> {
    const vals = await this.leadVals(values);
    if (knownId) {
      try {
        await this.odoo.executeKw('crm.lead', 'write', [[knownId], vals]);
        return { id: knownId, created: false };
      } catch (error) {
        // Deleted in Odoo since (archived ones are still written): found by the marker or created below.
        if (!(error instanceof IntegrationError && error.code === 'NOT_FOUND') || (await this.exists('crm.lead', knownId))) throw error;
      }
    }
    const existing = unseen && !knownId ? undefined : await this.findByRef(values.ref);
    if (existing) {
      await this.odoo.executeKw('crm.lead', 'write', [[existing], vals]);
      return { id: existing, created: false };
    }
    return { id: (await this.odoo.executeKw('crm.lead', 'create', [vals])) as number, created: true };
  }

  /** A "To Do" activity on the lead for its owner; created once per marker. */
  async createActivity(values: OdooActivityValues): Promise<{ id: number; created: boolean }> {
    const resModelId = await this.lookup('ir.model', [['model', '=', 'crm.lead']]);
    if (!resModelId) throw new Error('ir.model has no crm.lead: is the CRM app installed?');
    const [found] = (await this.odoo.executeKw('mail.activity', 'search_read', [[['res_model_id', '=', resModelId], ['res_id', '=', values.leadId], ['note', 'ilike', values.marker]]], {
      fields: ['id'],
      limit: 1,
    })) as Row[];
    if (found) return { id: found.id, created: false };
    const note = [...values.note, values.marker].map((line) => `<p>${escapeHtml(line)}</p>`).join('');
    const vals: Record<string, unknown> = {
      res_model_id: resModelId,
      res_id: values.leadId,
      activity_type_id: await this.todoActivityType(),
      summary: values.summary,
      note,
      date_deadline: values.deadline,
    };
    if (values.userId) vals.user_id = values.userId;
    return { id: (await this.odoo.executeKw('mail.activity', 'create', [vals])) as number, created: true };
  }

  /**
   * Mirrors our side of a lead in one write: the stage of that name (as configured in
   * ODOO_STAGE_MAP), the salesperson, and lost as Odoo keeps it (archived).
   */
  async mirrorLead(leadId: number, state: { stageName?: string; userId?: number; lost?: boolean }): Promise<{ stageId?: number; userId?: number; active: boolean }> {
    const vals: Record<string, unknown> = {};
    if (state.stageName) {
      const stageId = await this.lookup('crm.stage', [['name', '=ilike', state.stageName]]);
      if (!stageId) throw new Error(`Odoo has no crm.stage named "${state.stageName}" (check ODOO_STAGE_MAP)`);
      vals.stage_id = stageId;
    }
    if (state.userId) vals.user_id = state.userId;
    vals.active = !state.lost;
    await this.odoo.executeKw('crm.lead', 'write', [[leadId], vals]);
    return { stageId: vals.stage_id as number | undefined, userId: state.userId, active: !state.lost };
  }

  /**
   * Our leads (those carrying the reference marker) changed after the cursor, archived ones
   * included, in `write_date, id` order. `write_date` has second precision: a caller starting a new
   * pass gives `id: 0` to read the cursor's second again (an edit may have landed in it since).
   */
  async changedSince(cursor: OdooChangeCursor | undefined, limit: number): Promise<OdooLeadChange[]> {
    const after = cursor ? ['|', ['write_date', '>', cursor.writeDate], '&', ['write_date', '=', cursor.writeDate], ['id', '>', cursor.id]] : [];
    const rows = (await this.odoo.executeKw('crm.lead', 'search_read', [[...after, ['description', 'ilike', refMarker('')]]], {
      fields: ['write_date', 'stage_id', 'user_id', 'active', 'lost_reason_id'],
      order: 'write_date asc, id asc',
      limit,
      ...ALL,
    })) as Row[];
    return rows.map((row) => ({
      id: row.id,
      writeDate: parseOdooDatetime(String(row.write_date)),
      writeDateText: String(row.write_date),
      stage: many2one(row.stage_id),
      userId: many2one(row.user_id)?.id,
      active: row.active !== false,
      lostReason: many2one(row.lost_reason_id)?.name,
    }));
  }

  /** The pipeline's stages (read fresh: admins rename and add them). */
  async stages(): Promise<OdooStage[]> {
    const rows = (await this.odoo.executeKw('crm.stage', 'search_read', [[]], { fields: ['name', 'is_won'] })) as Row[];
    return rows.map((row) => ({ id: row.id, name: String(row.name), isWon: row.is_won === true }));
  }

  private async leadVals(v: OdooLeadValues): Promise<Record<string, unknown>> {
    const description = [
      ...v.answers.map((a) => `<p><b>${escapeHtml(a.label)}</b>: ${escapeHtml(a.value)}</p>`),
      `<p>${escapeHtml(refMarker(v.ref))}</p>`,
    ].join('');
    // XML-RPC has no nil: leave out what we do not know rather than sending empty values.
    const vals: Record<string, unknown> = {
      name: v.name,
      type: v.type,
      description,
      priority: v.priority,
      source_id: await this.findOrCreate('utm.source', v.source),
      medium_id: await this.findOrCreate('utm.medium', v.medium),
      tag_ids: [[6, 0, await Promise.all(v.tags.map((tag) => this.findOrCreate('crm.tag', tag)))]],
    };
    const optional: Record<string, unknown> = {
      contact_name: v.contactName,
      email_from: v.email,
      phone: v.phone,
      city: v.city,
      team_id: v.teamId,
      user_id: v.userId,
      country_id: v.countryCode ? await this.lookup('res.country', [['code', '=', v.countryCode.toUpperCase()]]) : undefined,
      campaign_id: v.campaign ? await this.findOrCreate('utm.campaign', v.campaign) : undefined,
    };
    for (const [key, value] of Object.entries(optional)) if (value !== undefined && value !== '') vals[key] = value;
    return vals;
  }

  private async findByRef(ref: string): Promise<number | undefined> {
    const [row] = (await this.odoo.executeKw('crm.lead', 'search_read', [[['description', 'ilike', refMarker(ref)]]], { fields: ['id'], limit: 1, ...ALL })) as Row[];
    return row?.id;
  }

  private async exists(model: string, id: number): Promise<boolean> {
    return ((await this.odoo.executeKw(model, 'search', [[['id', '=', id]]], { limit: 1, ...ALL })) as number[]).length > 0;
  }

  /** `utm.campaign` (16+) shows `title` and keeps a unique `name`: match either. Created when missing. */
  private findOrCreate(model: 'utm.source' | 'utm.medium' | 'utm.campaign' | 'crm.tag', name: string): Promise<number> {
    const key = `${model}:create:${name.toLowerCase()}`;
    let id = this.ids.get(key);
    if (!id) {
      id = (async () => {
        const domain = model === 'utm.campaign' ? ['|', ['name', '=ilike', name], ['title', '=ilike', name]] : [['name', '=ilike', name]];
        const [row] = (await this.odoo.executeKw(model, 'search_read', [domain], { fields: ['id'], limit: 1 })) as Row[];
        return row?.id ?? ((await this.odoo.executeKw(model, 'create', [{ name }])) as number);
      })();
      this.ids.set(key, id);
      id.catch(() => this.ids.delete(key));
    }
    return id as Promise<number>;
  }

  /**
   * The first matching record's `field` (its id by default), cached for the life of the process.
   * A miss or an error is not cached: the stage or model an admin adds later is found then.
   */
  private lookup(model: string, domain: unknown[], field = 'id'): Promise<number | undefined> {
    const key = `${model}:${field}:${JSON.stringify(domain)}`;
    let id = this.ids.get(key);
    if (!id) {
      id = this.odoo.executeKw(model, 'search_read', [domain], { fields: [field], limit: 1 }).then((rows) => {
        const found = (rows as Row[])[0]?.[field] as number | undefined;
        if (found === undefined) this.ids.delete(key);
        return found;
      });
      this.ids.set(key, id);
      id.catch(() => this.ids.delete(key));
    }
    return id;
  }

  /** Odoo 17 names it "To-Do", older ones "To Do": its xmlid is the stable handle. */
  private todoActivityType(): Promise<number | undefined> {
    return this.lookup('ir.model.data', [['module', '=', 'mail'], ['name', '=', 'mail_activity_data_todo']], 'res_id');
  }
}
