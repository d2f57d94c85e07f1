import type { ActionType } from '@leadflow/contracts';
import type { ActionRun as ActionRunRow, Branch, Employee, Lead as LeadRow, SqlPool, Team } from '@leadflow/db';
import { IntegrationError } from '@leadflow/integration-common';

/** The lead as an action sees it: with its owner, team and branch. */
export type LeadForAction = LeadRow & { assignee: Employee | null; team: Team | null; branch: Branch | null };
/** The `include` that reads a lead as an action sees it through Prisma (one joined query). */
export const LEAD_FOR_ACTION = { assignee: true, team: true, branch: true } as const;

export interface ActionOutcome {
  /** What the outside system created (Odoo lead id, WhatsApp message id, notification id…). */
  externalId?: string;
  result?: Record<string, unknown>;
}

/**
 * One implementation per action type. Throw an IntegrationError: TEMPORARY / RATE_LIMITED are
 * retried with backoff, the other codes dead-letter the run at once. An executor must make a
 * retry harmless: key what it creates on (run id, generation) and find it before creating again.
 * Only a forced re-send raises the generation. Its own rows go through `db` (plain SQL: this runs
 * for every action of every lead).
 */
export interface ActionExecutor {
  readonly type: ActionType;
  execute(run: ActionRunRow, lead: LeadForAction, db: SqlPool): Promise<ActionOutcome>;
}

export const ACTION_EXECUTORS = Symbol('ACTION_EXECUTORS');

/** Stands in for a connector that is not installed or not configured: the run dead-letters saying so, to be replayed later. */
export class UnavailableConnector implements ActionExecutor {
  constructor(
    readonly type: ActionType,
    private readonly reason = `no connector is installed for ${type}; replay the run once it is`,
  ) {}

  async execute(): Promise<ActionOutcome> {
    throw new IntegrationError(this.type, 'INVALID', this.reason);
  }
}
