import type { ActionExecutor, ActionOutcome, LeadForAction } from '@leadflow/application';
import type { AppConfig } from '@leadflow/config';
import type { ActionRun as ActionRunRow } from '@leadflow/db';
import type { SheetsWriter } from '@leadflow/integration-sheets';
import { textAtPath } from '@leadflow/domain';
import { leadContext } from './lead-context.js';

export function sheetRow(lead: LeadForAction, columns: string[]): string[] {
  const context = leadContext(lead);
  return columns.map((path) => textAtPath(context, path));
}

/** `sheets.append_row`: the lead's row, columns as configured; a retried run finds a row it already wrote. */
export class SheetsAppendRowExecutor implements ActionExecutor {
  readonly type = 'sheets.append_row' as const;

  constructor(
    private readonly sheets: SheetsWriter,
    private readonly config: NonNullable<AppConfig['sheets']>,
  ) {}

  async execute(run: ActionRunRow, lead: LeadForAction): Promise<ActionOutcome> {
    const row = await this.sheets.appendRow(lead.id, sheetRow(lead, this.config.columns), run.attempts > 1);
    return { externalId: `${this.config.sheetName}!${row}`, result: { row } };
  }
}
