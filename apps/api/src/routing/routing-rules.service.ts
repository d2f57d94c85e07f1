import { Inject, Injectable } from '@nestjs/common';
import { ConflictError, InvalidRequestError, LeadRouter, NotFoundError, routableLeadOfNormalized } from '@leadflow/application';
import type { AppConfig } from '@leadflow/config';
import type { Condition, RoutingRule } from '@leadflow/contracts';
import { PrismaClient, type RoutingRule as RuleRow } from '@leadflow/db';
import { conditionProblems, normalizeLead } from '@leadflow/domain';
import { APP_CONFIG } from '@leadflow/runtime';
import type { CreateRoutingRuleDto, SimulateRoutingDto, SimulationDto, UpdateRoutingRuleDto } from './dto/routing.dto.js';

function toRule(row: RuleRow): RoutingRule {
  return {
    id: row.id,
    name: row.name,
    position: row.position,
    enabled: row.enabled,
    conditions: row.conditions as unknown as Condition[],
    branchId: row.branchId ?? undefined,
    teamId: row.teamId ?? undefined,
    strategy: row.strategy,
    employeeId: row.employeeId ?? undefined,
    isDefault: row.isDefault,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Routing rules are data: ordered, first match wins, one default catches the rest. */
@Injectable()
export class RoutingRulesService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly router: LeadRouter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(): Promise<RoutingRule[]> {
    const rows = await this.prisma.routingRule.findMany({ orderBy: [{ isDefault: 'asc' }, { position: 'asc' }, { createdAt: 'asc' }] });
    return rows.map(toRule);
  }

  async get(id: string): Promise<RoutingRule> {
    return toRule(await this.row(id));
  }

  async create(input: CreateRoutingRuleDto): Promise<RoutingRule> {
    const rule = { conditions: [], enabled: true, isDefault: false, ...input };
    await this.check(rule);
    const position = input.position ?? ((await this.prisma.routingRule.aggregate({ _max: { position: true } }))._max.position ?? 0) + 1;
    return toRule(await this.prisma.routingRule.create({ data: { ...rule, position, conditions: rule.conditions as object[] } }));
  }

  async update(id: string, input: UpdateRoutingRuleDto): Promise<RoutingRule> {
    const current = toRule(await this.row(id));
    const merged = { ...current, ...input, branchId: input.branchId !== undefined ? input.branchId : current.branchId, teamId: input.teamId !== undefined ? input.teamId : current.teamId };
    // Switching target kind: giving a team clears the branch and the other way round.
    if (input.teamId) merged.branchId = null;
    if (input.branchId) merged.teamId = null;
    await this.check(merged, id);
    const { id: _id, createdAt: _c, updatedAt: _u, ...data } = merged;
    return toRule(await this.prisma.routingRule.update({ where: { id }, data: { ...data, conditions: data.conditions as object[] } }));
  }

  async remove(id: string): Promise<void> {
    const rule = await this.row(id);
    if (rule.isDefault) throw new ConflictError('the default rule cannot be deleted; change its target instead');
    await this.prisma.routingRule.delete({ where: { id } });
  }

  /** New evaluation order: every non-default rule, each once. */
  async reorder(ruleIds: string[]): Promise<RoutingRule[]> {
    const rules = await this.prisma.routingRule.findMany({ where: { isDefault: false }, select: { id: true } });
    const expected = new Set(rules.map((r) => r.id));
    if (ruleIds.length !== expected.size || new Set(ruleIds).size !== ruleIds.length || ruleIds.some((id) => !expected.has(id))) {
      throw new InvalidRequestError(`ruleIds must list each of the ${expected.size} non-default rules exactly once`);
    }
    await this.prisma.$transaction(ruleIds.map((id, i) => this.prisma.routingRule.update({ where: { id }, data: { position: i + 1 } })));
    return this.list();
  }

  /** Where each lead would go under today's rules, and why; nothing is written. */
  async simulate(input: SimulateRoutingDto): Promise<SimulationDto> {
    const modes = [input.lead !== undefined, input.leadId !== undefined, input.receivedFrom !== undefined || input.receivedTo !== undefined].filter(Boolean).length;
    if (modes !== 1) throw new InvalidRequestError('give exactly one of lead, leadId, or receivedFrom/receivedTo');
    if (input.lead) {
      const { platform, phone, fullName, city, region, country, language, answers, ...source } = input.lead;
      const normalized = normalizeLead(
        { platform, platformLeadId: 'simulation', contact: { fullName, phone, city, region, country, language }, source, answers: answers ?? [] },
        { defaultPhoneRegion: this.config.defaultPhoneRegion },
      );
      return { results: [{ decision: await this.router.simulate(routableLeadOfNormalized(normalized)) }] };
    }
    if (input.leadId) return { results: [{ leadId: input.leadId, decision: await this.router.simulateStored(input.leadId) }] };
    const leads = await this.prisma.lead.findMany({
      where: { receivedAt: { gte: input.receivedFrom, lt: input.receivedTo } },
      orderBy: { receivedAt: 'asc' },
      take: input.limit ?? 100,
      select: { id: true },
    });
    const results = [];
    for (const { id } of leads) results.push({ leadId: id, decision: await this.router.simulateStored(id) });
    return { results };
  }

  private async row(id: string): Promise<RuleRow> {
    const row = await this.prisma.routingRule.findUnique({ where: { id } });
    if (!row) throw new NotFoundError(`routing rule ${id} does not exist`);
    return row;
  }

  private async check(rule: { conditions: Condition[]; branchId?: string | null; teamId?: string | null; strategy: string; employeeId?: string | null; isDefault: boolean }, id?: string): Promise<void> {
    const problems = conditionProblems(rule.conditions);
    if (Boolean(rule.branchId) === Boolean(rule.teamId)) problems.push('give exactly one target: branchId or teamId');
    if (rule.strategy === 'fixed' && !rule.employeeId) problems.push('strategy fixed needs employeeId');
    if (rule.strategy !== 'fixed' && rule.employeeId) problems.push('employeeId only applies to strategy fixed');
    if (rule.isDefault && rule.conditions.length) problems.push('the default rule has no conditions: it catches every lead no other rule takes');
    if (problems.length) throw new InvalidRequestError(problems);
    if (rule.teamId && !(await this.prisma.team.findUnique({ where: { id: rule.teamId } }))) throw new InvalidRequestError(`team ${rule.teamId} does not exist`);
    if (rule.branchId && !(await this.prisma.branch.findUnique({ where: { id: rule.branchId } }))) throw new InvalidRequestError(`branch ${rule.branchId} does not exist`);
    if (rule.employeeId) {
      const employee = await this.prisma.employee.findUnique({ where: { id: rule.employeeId }, include: { team: true } });
      const inTarget = employee && (employee.teamId === rule.teamId || employee.team.branchId === rule.branchId);
      if (!inTarget) throw new InvalidRequestError('the fixed employee must belong to the rule\'s target team or branch');
    }
    if (rule.isDefault && (await this.prisma.routingRule.count({ where: { isDefault: true, id: id ? { not: id } : undefined } }))) {
      throw new ConflictError('there is already a default rule; change that one');
    }
  }
}
