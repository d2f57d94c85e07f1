import { Injectable } from '@nestjs/common';
import { InvalidRequestError, ReportRollups, type ReportGrain } from '@leadflow/application';
import {
  PLATFORMS,
  type ActionsReport,
  type FirstContactQuery,
  type FirstContactReport,
  type FirstContactRow,
  type FunnelReport,
  type LeadCounts,
  type LeadsReport,
  type LeadsReportQuery,
  type OverviewReport,
  type Platform,
  type ReportDimension,
  type ReportQuery,
} from '@leadflow/contracts';
import { Prisma, PrismaClient } from '@leadflow/db';
import { DEFAULT_TIMEZONE, contactPercentile, localTime, rateOf, reportSpans, type ReportSpan } from '@leadflow/domain';
import type { Principal } from '../auth/principal.js';

const MAX_DAYS = 400;
const NOTHING = '00000000-0000-0000-0000-000000000000';

const DIMENSION_COLUMN: Record<ReportDimension, string> = {
  platform: 'platform',
  campaign: 'campaign_id',
  adset: 'adset_id',
  ad: 'ad_id',
  form: 'form_id',
  branch: 'branch_id',
  team: 'team_id',
  employee: 'employee_id',
};
const AD_KINDS: Partial<Record<ReportDimension, string>> = { campaign: 'campaign', adset: 'adset', ad: 'ad', form: 'form' };

interface CountRow {
  leads: bigint;
  contacted: bigint;
  qualified: bigint;
  proposal: bigint;
  won: bigint;
  lost: bigint;
  duplicates: bigint;
}

const SUMS = Prisma.sql`sum(leads) AS leads, sum(contacted) AS contacted, sum(qualified) AS qualified, sum(proposal) AS proposal, sum(won) AS won, sum(lost) AS lost, sum(duplicates) AS duplicates`;

function counts(row: Partial<CountRow> | undefined): LeadCounts {
  const n = (v: bigint | null | undefined) => Number(v ?? 0);
  const leads = n(row?.leads);
  const c = { leads, contacted: n(row?.contacted), qualified: n(row?.qualified), proposal: n(row?.proposal), won: n(row?.won), lost: n(row?.lost), duplicates: n(row?.duplicates) };
  return { ...c, contactedRate: rateOf(c.contacted, leads), qualifiedRate: rateOf(c.qualified, leads), wonRate: rateOf(c.won, leads), duplicateRate: rateOf(c.duplicates, leads) };
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** The smallest rollup grain with the dimension grouped by and the caller's scope (agents need the owner, so `fine`). */
function grainFor(dimension: ReportDimension, principal: Principal): ReportGrain {
  if (dimension === 'platform' || dimension === 'branch' || dimension === 'team' || dimension === 'employee') return 'owner';
  return principal.role === 'agent' ? 'fine' : dimension;
}

/**
 * Reports over the daily rollups (see ReportRollups): every query reads a few thousand rollup rows
 * at most, whatever the number of leads. Managers see their branch, agents their own leads.
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly rollups: ReportRollups,
  ) {}

  async leads(query: LeadsReportQuery, principal: Principal): Promise<LeadsReport> {
    const groupBy = query.groupBy ?? 'platform';
    const interval = query.interval ?? 'day';
    const { from, to, where } = await this.prepare(query, principal, grainFor(groupBy, principal), true, interval);
    const { where: totalsWhere } = await this.prepare(query, principal, 'owner', false);
    const column = Prisma.raw(`"${DIMENSION_COLUMN[groupBy]}"`);
    const byPlatform = AD_KINDS[groupBy] ? Prisma.sql`, platform` : Prisma.empty;
    const period = Prisma.raw(`date_trunc('${interval}', day)::date`);
    const rows = await this.prisma.$queryRaw<(CountRow & { period: Date; key: string | null; platform?: Platform })[]>`
      SELECT ${period} AS period, ${column}::text AS key ${byPlatform}, ${SUMS}
      FROM lead_daily_stats WHERE ${where}
      GROUP BY 1, 2 ${byPlatform} HAVING sum(leads) <> 0 ORDER BY 1, 2`;
    const [total] = await this.prisma.$queryRaw<CountRow[]>`SELECT ${SUMS} FROM lead_daily_stats WHERE ${totalsWhere}`;
    const labels = await this.labels(groupBy, rows);
    const labelled = rows.map((r) => ({
        period: isoDay(r.period),
        key: r.key,
        label: labels.get(`${r.platform ?? ''}:${r.key}`) ?? r.key ?? (groupBy === 'employee' || groupBy === 'team' || groupBy === 'branch' ? '(unassigned)' : '(none)'),
        ...(r.platform ? { platform: r.platform } : {}),
        ...counts(r),
      }));
    // Each period's biggest groups first.
    labelled.sort((a, b) => a.period.localeCompare(b.period) || b.leads - a.leads || a.label.localeCompare(b.label));
    return { from, to, groupBy, interval, rows: labelled, totals: counts(total) };
  }

  async funnel(query: ReportQuery, principal: Principal): Promise<FunnelReport> {
    const { from, to, where } = await this.prepare(query, principal, 'owner');
    const c = counts((await this.prisma.$queryRaw<CountRow[]>`SELECT ${SUMS} FROM lead_daily_stats WHERE ${where}`)[0]);
    const stages = (['received', 'contacted', 'qualified', 'proposal', 'won'] as const).map((stage, i, all) => {
      const count = (s: (typeof all)[number]) => (s === 'received' ? c.leads : c[s]);
      return { stage, leads: count(stage), fromPrevious: i === 0 ? null : rateOf(count(stage), count(all[i - 1]!)), fromReceived: rateOf(count(stage), c.leads) };
    });
    return { from, to, stages, lost: c.lost };
  }

  async firstContact(query: FirstContactQuery, principal: Principal, fold = true): Promise<FirstContactReport> {
    const { from, to, where } = await this.prepare(query, principal, 'owner', fold);
    const by = query.by ?? 'team';
    const column = Prisma.raw(`"${DIMENSION_COLUMN[by]}"`);
    const [histograms, sla] = await Promise.all([
      // The same filters without the grain: the histogram table has owners only.
      // As text: parsing "{1,2,…}" here is several times faster than the driver's array decoding.
      this.prisma.$queryRaw<{ key: string | null; histogram: string }[]>`
        SELECT ${column}::text AS key, histogram::text AS histogram FROM first_contact_daily WHERE ${this.filters(query, principal, from, to)}`,
      this.prisma.$queryRaw<{ key: string | null; met: bigint; breached: bigint }[]>`
        SELECT ${column}::text AS key, sum(sla_met) AS met, sum(sla_breached) AS breached FROM lead_daily_stats WHERE ${where} GROUP BY 1`,
    ]);
    const summed = new Map<string | null, number[]>();
    for (const { key, histogram: text } of histograms) {
      const histogram = text.slice(1, -1).split(',').map(Number);
      const into = summed.get(key) ?? new Array<number>(histogram.length).fill(0);
      histogram.forEach((count, i) => (into[i] = (into[i] ?? 0) + count));
      summed.set(key, into);
    }
    const keys = [...new Set([...[...summed].filter(([, h]) => h.some((n) => n > 0)).map(([key]) => key), ...sla.filter((s) => Number(s.met) + Number(s.breached) > 0).map((s) => s.key)])];
    const labels = await this.labels(by, keys.map((key) => ({ key })));
    const row = (select: (key: string | null) => boolean) => {
      const h = [...summed].filter(([key]) => select(key)).reduce<number[]>((acc, [, counts]) => counts.map((n, i) => n + (acc[i] ?? 0)), []);
      const met = sla.filter((x) => select(x.key)).reduce((n, x) => n + Number(x.met), 0);
      const breached = sla.filter((x) => select(x.key)).reduce((n, x) => n + Number(x.breached), 0);
      return {
        contacted: h.reduce((n, count) => n + count, 0),
        medianMinutes: contactPercentile(h, 0.5),
        p90Minutes: contactPercentile(h, 0.9),
        slaMet: met,
        slaBreached: breached,
        slaCompliance: rateOf(met, met + breached),
      };
    };
    const rows: FirstContactRow[] = keys.map((key) => ({ key, label: labels.get(`:${key}`) ?? '(unassigned)', ...row((k) => k === key) }));
    rows.sort((a, b) => a.label.localeCompare(b.label));
    return { from, to, by, rows, overall: row(() => true) };
  }

  async actions(query: ReportQuery, fold = true): Promise<ActionsReport> {
    if (fold) await this.rollups.fold();
    const { from, to } = this.range(query);
    const platform = query.platform ? Prisma.sql`AND platform = ${query.platform}::"Platform"` : Prisma.empty;
    const rows = await this.prisma.$queryRaw<{ action_type: string; done: bigint; dead: bigint }[]>`
      SELECT action_type, sum(done) AS done, sum(dead) AS dead FROM action_daily_stats
      WHERE day BETWEEN ${from}::date AND ${to}::date ${platform} GROUP BY 1 HAVING sum(done) + sum(dead) <> 0 ORDER BY 1`;
    const typed = rows.map((r) => ({ connector: r.action_type.split('.')[0]!, actionType: r.action_type, done: Number(r.done), dead: Number(r.dead), successRate: rateOf(Number(r.done), Number(r.done) + Number(r.dead)) }));
    const connectors = [...new Set(typed.map((r) => r.connector))].map((connector) => {
      const of = typed.filter((r) => r.connector === connector);
      const done = of.reduce((n, r) => n + r.done, 0);
      const dead = of.reduce((n, r) => n + r.dead, 0);
      return { connector, done, dead, successRate: rateOf(done, done + dead) };
    });
    return { from, to, rows: typed, connectors };
  }

  async overview(query: ReportQuery, principal: Principal): Promise<OverviewReport> {
    const { from, to, where } = await this.prepare(query, principal, 'owner');
    const today = localTime(new Date(), DEFAULT_TIMEZONE).date;
    const scope = this.scope(principal);
    const [byPlatform, [todayRow], firstContact, actions] = await Promise.all([
      this.prisma.$queryRaw<(CountRow & { platform: Platform })[]>`SELECT platform, ${SUMS} FROM lead_daily_stats WHERE ${where} GROUP BY platform`,
      this.prisma.$queryRaw<{ leads: bigint | null }[]>`SELECT sum(leads) AS leads FROM lead_daily_stats WHERE grain = 'owner' AND span = 'day' AND day = ${today}::date ${scope}`,
      this.firstContact({ ...query, by: 'team' }, principal, false),
      principal.role === 'agent' ? undefined : this.actions(query, false),
    ]);
    const sum = (field: keyof CountRow) => byPlatform.reduce((n, r) => n + Number(r[field] ?? 0), 0);
    const totals = counts({ leads: BigInt(sum('leads')), contacted: BigInt(sum('contacted')), qualified: BigInt(sum('qualified')), proposal: BigInt(sum('proposal')), won: BigInt(sum('won')), lost: BigInt(sum('lost')), duplicates: BigInt(sum('duplicates')) });
    const done = actions?.connectors.reduce((n, c) => n + c.done, 0) ?? 0;
    const dead = actions?.connectors.reduce((n, c) => n + c.dead, 0) ?? 0;
    return {
      from,
      to,
      totals: { ...totals, open: totals.leads - totals.won - totals.lost },
      byPlatform: Object.fromEntries(PLATFORMS.map((p) => [p, Number(byPlatform.find((r) => r.platform === p)?.leads ?? 0)])) as Record<Platform, number>,
      today: Number(todayRow?.leads ?? 0),
      firstContact: firstContact.overall,
      actions: { done, dead, successRate: rateOf(done, done + dead) },
    };
  }

  /**
   * Folds pending changes, checks the range, and builds the WHERE of a rollup grain (range,
   * platform, scope). `period`: the report's own grouping, which no rollup row it reads may cross.
   */
  private async prepare(query: ReportQuery, principal: Principal, grain: ReportGrain, fold = true, period?: ReportSpan) {
    const { from, to } = this.range(query);
    if (fold) await this.rollups.fold();
    return { from, to, where: Prisma.sql`grain = ${grain} AND ${this.filters(query, principal, from, to, period)}` };
  }

  /** The range as the fewest day, week and month rows (reportSpans), then platform and scope. */
  private filters(query: ReportQuery, principal: Principal, from: string, to: string, period?: ReportSpan): Prisma.Sql {
    const spans = reportSpans(from, to, period).map(
      (r) => Prisma.sql`(span = ${r.span} AND day BETWEEN ${r.from}::date AND ${r.to}::date)`,
    );
    const platform = query.platform ? Prisma.sql`AND platform = ${query.platform}::"Platform"` : Prisma.empty;
    return Prisma.sql`(${Prisma.join(spans, ' OR ')}) ${platform} ${this.scope(principal)}`;
  }

  private scope(principal: Principal): Prisma.Sql {
    if (principal.role === 'admin') return Prisma.empty;
    if (principal.role === 'manager') return Prisma.sql`AND branch_id = ${principal.branchId ?? NOTHING}::uuid`;
    return Prisma.sql`AND employee_id = ${principal.employeeId ?? NOTHING}::uuid`;
  }

  /** Default: the last 30 days up to today (report timezone). */
  private range(query: ReportQuery): { from: string; to: string } {
    const to = query.to ?? localTime(new Date(), DEFAULT_TIMEZONE).date;
    const from = query.from ?? isoDay(new Date(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000));
    const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
    if (days < 0) throw new InvalidRequestError('from must not be after to');
    if (days >= MAX_DAYS) throw new InvalidRequestError(`a report covers at most ${MAX_DAYS} days`);
    return { from, to };
  }

  /** Names for group keys: ad objects from their latest seen names, people and places from their tables. */
  private async labels(dimension: ReportDimension, rows: { key: string | null; platform?: string }[]): Promise<Map<string, string>> {
    const ids = [...new Set(rows.map((r) => r.key).filter((k): k is string => Boolean(k)))];
    const labels = new Map<string, string>();
    if (!ids.length) return labels;
    const kind = AD_KINDS[dimension];
    if (kind) {
      for (const l of await this.prisma.adLabel.findMany({ where: { kind, externalId: { in: ids } } })) labels.set(`${l.platform}:${l.externalId}`, l.name);
    } else if (dimension === 'branch' || dimension === 'team' || dimension === 'employee') {
      const named = await (dimension === 'branch'
        ? this.prisma.branch.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })
        : dimension === 'team'
          ? this.prisma.team.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })
          : this.prisma.employee.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } }));
      for (const n of named) labels.set(`:${n.id}`, n.name);
    }
    return labels;
  }
}
