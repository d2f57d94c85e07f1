import { Injectable } from '@nestjs/common';
import { AutomationDispatcher, InvalidRequestError, NotFoundError } from '@leadflow/application';
import type { ActionRun, ActionType, Automation, AutomationAction, AutomationTrigger, Condition } from '@leadflow/contracts';
import { PrismaClient, type ActionRun as ActionRunRow, type Automation as AutomationRow, type Prisma } from '@leadflow/db';
import { automationProblems } from '@leadflow/domain';
import { pageBy } from '../common/cursor.js';
import type { CreateAutomationDto, ListActionRunsQuery, UpdateAutomationDto } from './dto/automation.dto.js';

const iso = (d: Date | null) => d?.toISOString();

function toAutomation(row: AutomationRow): Automation {
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled,
    trigger: row.trigger as AutomationTrigger,
    fromStatus: row.fromStatus ?? undefined,
    toStatus: row.toStatus ?? undefined,
    conditions: row.conditions as unknown as Condition[],
    actions: row.actions as unknown as AutomationAction[],
    priority: row.priority,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toActionRun(row: ActionRunRow): ActionRun {
  return {
    id: row.id,
    leadId: row.leadId,
    automationId: row.automationId,
    actionKey: row.actionKey,
    actionType: row.actionType as ActionType,
    status: row.status,
    attempts: row.attempts,
    maxAttempts: row.maxAttempts,
    lastError: row.lastError ?? undefined,
    externalId: row.externalId ?? undefined,
    result: (row.result as Record<string, unknown> | null) ?? undefined,
    dispatch: row.dispatch,
    generation: row.generation,
    scheduledAt: row.scheduledAt.toISOString(),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Automation definitions and their action runs (with the replay button). */
@Injectable()
export class AutomationsService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly dispatcher: AutomationDispatcher,
  ) {}

  async list(): Promise<Automation[]> {
    return (await this.prisma.automation.findMany({ orderBy: [{ trigger: 'asc' }, { priority: 'desc' }, { createdAt: 'asc' }] })).map(toAutomation);
  }

  async get(id: string): Promise<Automation> {
    return toAutomation(await this.row(id));
  }

  async create(input: CreateAutomationDto): Promise<Automation> {
    this.check(input);
    return toAutomation(await this.prisma.automation.create({ data: this.data({ conditions: [], ...input }) as Prisma.AutomationCreateInput }));
  }

  async update(id: string, input: UpdateAutomationDto): Promise<Automation> {
    const current = await this.row(id);
    this.check({ ...toAutomation(current), ...input });
    return toAutomation(await this.prisma.automation.update({ where: { id }, data: this.data(input) }));
  }

  /** Deleting an automation deletes its runs' history too; disable it to keep that. */
  async remove(id: string): Promise<void> {
    await this.row(id);
    await this.prisma.automation.delete({ where: { id } });
  }

  async listRuns(query: ListActionRunsQuery): Promise<{ data: ActionRun[]; nextCursor: string | null }> {
    const where: Prisma.ActionRunWhereInput = { status: query.status, leadId: query.leadId, automationId: query.automationId };
    const page = await pageBy('updatedAt', query, ({ after, orderBy, take }) => this.prisma.actionRun.findMany({ where: { ...where, ...after }, orderBy, take }));
    return { data: page.rows.map(toActionRun), nextCursor: page.nextCursor };
  }

  async getRun(id: string): Promise<ActionRun> {
    const row = await this.prisma.actionRun.findUnique({ where: { id } });
    if (!row) throw new NotFoundError(`action run ${id} does not exist`);
    return toActionRun(row);
  }

  async retryRun(id: string): Promise<ActionRun> {
    await this.dispatcher.retry(id);
    return this.getRun(id);
  }

  private check(input: Parameters<typeof automationProblems>[0]): void {
    const problems = automationProblems(input);
    if (problems.length) throw new InvalidRequestError(problems);
  }

  private data(input: UpdateAutomationDto): Prisma.AutomationUpdateInput {
    return { ...input, conditions: input.conditions as object[] | undefined, actions: input.actions as object[] | undefined };
  }

  private async row(id: string): Promise<AutomationRow> {
    const row = await this.prisma.automation.findUnique({ where: { id } });
    if (!row) throw new NotFoundError(`automation ${id} does not exist`);
    return row;
  }
}
