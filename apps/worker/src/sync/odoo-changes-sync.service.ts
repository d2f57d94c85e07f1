import { Inject, Injectable } from '@nestjs/common';
import { OdooChanges, readCursor, writeCursor } from '@leadflow/application';
import type { AppConfig } from '@leadflow/config';
import { PrismaClient } from '@leadflow/db';
import type { OdooChangeCursor } from '@leadflow/integration-odoo';
import { APP_CONFIG } from '@leadflow/runtime';
import { CONNECTORS, type Connectors } from '../connectors/connectors.module.js';

export interface OdooSyncProgress {
  /** Changed crm.lead records of ours read. */
  read: number;
  /** Salespeople's moves applied here: pipeline changes, reassignments. */
  statusChanges: number;
  reassignments: number;
  /** Odoo changes older than ours since the last sync: ours kept and written back. */
  keptOurs: number;
  /** Salespeople in Odoo with no employee linked to them (odoo user id). */
  unknownUsers: number[];
  /** Records carrying our marker whose lead we do not have (not created by this service's database). */
  notOurs: number;
  /** The write_date reached. */
  cursor?: string;
}

const CURSOR = 'odoo:lead-changes';
const PAGE = 200;

/**
 * Reads what salespeople changed in Odoo since the `write_date` cursor — only crm.lead records we
 * created — and applies it here as the actor "odoo" (OdooChanges). The cursor advances page by
 * page; a new pass re-reads the cursor's own second, which is harmless since applying is
 * idempotent (a record that matches what we know changes nothing).
 */
@Injectable()
export class OdooChangesSync {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly changes: OdooChanges,
    @Inject(CONNECTORS) private readonly connectors: Connectors,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(report: (progress: OdooSyncProgress) => Promise<void>): Promise<OdooSyncProgress> {
    const odoo = this.connectors.odoo;
    if (!odoo || !this.config.odoo) throw new Error('Odoo is not configured: set ODOO_URL, ODOO_DB, ODOO_USERNAME and ODOO_API_KEY');
    const stages = new Map((await odoo.stages()).map((stage) => [stage.id, stage]));
    const saved = await readCursor<OdooChangeCursor>(this.prisma, CURSOR);
    let cursor: OdooChangeCursor | undefined = saved && { writeDate: saved.writeDate, id: 0 };
    const progress: OdooSyncProgress = { read: 0, statusChanges: 0, reassignments: 0, keptOurs: 0, unknownUsers: [], notOurs: 0, cursor: saved?.writeDate };
    for (;;) {
      const page = await odoo.changedSince(cursor, PAGE);
      const records = page.map((change) => ({ ...change, stage: change.stage && { ...change.stage, isWon: stages.get(change.stage.id)?.isWon ?? false } }));
      const outcomes = await this.changes.applyAll(records, this.config.odoo.stageMap);
      page.forEach((change, i) => {
        const outcome = outcomes[i]!;
        progress.read += 1;
        if (outcome.lead === 'not_ours') progress.notOurs += 1;
        else {
          if (outcome.status === 'applied') progress.statusChanges += 1;
          if (outcome.assignee === 'applied') progress.reassignments += 1;
          if (outcome.status === 'kept_ours' || outcome.assignee === 'kept_ours') progress.keptOurs += 1;
          if (outcome.assignee === 'unknown_user' && change.userId && !progress.unknownUsers.includes(change.userId)) progress.unknownUsers.push(change.userId);
        }
      });
      const last = page[page.length - 1];
      if (last) {
        cursor = { writeDate: last.writeDateText, id: last.id };
        await writeCursor(this.prisma, CURSOR, cursor);
        progress.cursor = last.writeDateText;
        await report(progress);
      }
      if (page.length < PAGE) return progress;
    }
  }
}
