import { LEAD_STATUSES, type LeadStatus } from '@leadflow/contracts';

/** A crm.lead's pipeline position as Odoo holds it. */
export interface OdooPipelineState {
  stage?: { name: string; isWon: boolean };
  /** Odoo archives a lead marked lost. */
  active: boolean;
}

/**
 * Our statuses that an Odoo position stands for, furthest along first: archived is lost, a won
 * stage is won, any other stage is the statuses ODOO_STAGE_MAP sends to it (several may share one,
 * e.g. new and contacted both "New"). Empty for a stage the map does not know.
 */
export function statusesForOdoo(state: OdooPipelineState, stageMap: Record<string, string>): LeadStatus[] {
  if (!state.active) return ['lost'];
  if (!state.stage) return [];
  if (state.stage.isWon) return ['won'];
  const name = state.stage.name.trim().toLowerCase();
  return LEAD_STATUSES.filter((status) => stageMap[status]?.trim().toLowerCase() === name).reverse();
}

/**
 * Both sides changed the same thing since the last sync: the later change wins. Odoo's write_date
 * has whole seconds, so ours is compared at that precision and a tie goes to Odoo (where the
 * salesperson works).
 */
export function oursIsLater(oursAt: Date, odooWriteDate: Date): boolean {
  return Math.floor(oursAt.getTime() / 1000) > Math.floor(odooWriteDate.getTime() / 1000);
}
