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
import { Prisma, PrismaClient, SqlPool } from '@leadflow/db';
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

/** A sum as pg gives it (bigint as text), or null over no rows. */
type Sum = string | number | null;

interface CountRow {
  leads: Sum;
  contacted: Sum;
  qualified: Sum;
  proposal: Sum;
  won: Sum;
  lost: Sum;
  duplicates: Sum;
}

const SUMS = Prisma.sql`sum(leads) AS leads, sum(contacted) AS contacted, sum(qualified) AS qualified, sum(proposal) AS proposal, sum(won) AS won, sum(lost) AS lost, sum(duplicates) AS duplicates`;

function counts(row: Partial<CountRow> | undefined): LeadCounts {
  const n = (v: Sum | undefined) => Number(v ?? 0);
  const leads = n(row?.leads);
  const contacted = n(row?.contacted);
  const qualified = n(row?.qualified);
  const won = n(row?.won);
  const duplicates = n(row?.duplicates);
  // One literal: spreading a counts object into the rates cost ~4 µs a row (a year by day is 4,000 rows).
  return {
    leads, contacted, qualified, proposal: n(row?.proposal), won, lost: n(row?.lost), duplicates,
    contactedRate: rateOf(contacted, leads), qualifiedRate: rateOf(qualified, leads), wonRate: rateOf(won, leads), duplicateRate: rateOf(duplicates, leads),
  };
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Counts by person, team or branch: every platform together unless the report asks for one. */
const peopleGrain = (query: ReportQuery): ReportGrain => (query.platform ? 'owner' : 'people');

/**
 * The smallest rollup grain with the dimension grouped by and the caller's scope: agents need the
 * owner (`fine`), managers the branch; admins read ad objects with every branch together.
 */
function grainFor(dimension: ReportDimension, query: ReportQuery, principal: Principal): ReportGrain {
  if (dimension === 'platform') return 'owner';
  if (dimension === 'branch' || dimension === 'team' || dimension === 'employee') return peopleGrain(query);
  if (principal.role === 'agent') return 'fine';
  return principal.role === 'admin' ? `${dimension}_all` : dimension;
}

/**
 * Reports over the rollups (see ReportRollups): every query reads a few thousand rollup rows at
 * most, whatever the number of leads. Managers see their branch, agents their own leads. Rollup
 * reads go through `pg`: a year by day is thousands of rows, and Prisma's row mapping cost more
 * than the query.
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly sql: SqlPool,
    private readonly rollups: ReportRollups,
  ) {}

  private rows<T>(query: Prisma.Sql): Promise<T[]> {
    return this.sql.query<T>(query.text, query.values);
  }

  async leads(query: LeadsReportQuery, principal: Principal): Promise<LeadsReport> {
    const groupBy = query.groupBy ?? 'platform';
    const interval = query.interval ?? 'day';
    const { from, to, where } = await this.prepare(query, principal, grainFor(groupBy, query, principal), true, interval);
    const { where: totalsWhere } = await this.prepare(query, principal, peopleGrain(query), false);
    const column = Prisma.raw(`"${DIMENSION_COLUMN[groupBy]}"`);
    const byPlatform = AD_KINDS[groupBy] ? Prisma.sql`, platform` : Prisma.empty;
    // Truncating a date converts it to timestamptz and back; a plain timestamp is cheaper.
    const period = Prisma.raw(interval === 'day' ? 'day::text' : `date_trunc('${interval}', day::timestamp)::date::text`);
    const [rows, [total]] = await Promise.all([
      this.rows<CountRow & { period: string; key: string | null; platform?: Platform }>(Prisma.sql`
        SELECT ${period} AS period, ${column}::text AS key ${byPlatform}, ${SUMS}
        FROM lead_daily_stats WHERE ${where}
        GROUP BY 1, 2 ${byPlatform} HAVING sum(leads) <> 0`), // sorted below, by size
      this.rows<CountRow>(Prisma.sql`SELECT ${SUMS} FROM lead_daily_stats WHERE ${totalsWhere}`),
    ]);
    const labels = await this.labels(groupBy, rows);
    const labelled = rows.map((r) => ({
        period: r.period,
        key: r.key,
        label: labels.get(`${r.platform ?? ''}:${r.key}`) ?? r.key ?? (groupBy === 'employee' || groupBy === 'team' || groupBy === 'branch' ? '(unassigned)' : '(none)'),
        ...(r.platform ? { platform: r.platform } : {}),
        ...counts(r),
      }));
    // Each period's biggest groups first; ties by name, then key and platform, so the order is stable.
    labelled.sort((a, b) => byText(a.period, b.period) || b.leads - a.leads || a.label.localeCompare(b.label) || byText(a.key ?? '', b.key ?? '') || byText(a.platform ?? '', b.platform ?? ''));
    return { from, to, groupBy, interval, rows: labelled, totals: counts(total) };
  }

  async funnel(query: ReportQuery, principal: Principal): Promise<FunnelReport> {
    const { from, to, where } = await this.prepare(query, principal, peopleGrain(query));
    const c = counts((await this.rows<CountRow>(Prisma.sql`SELECT ${SUMS} FROM lead_daily_stats WHERE ${where}`))[0]);
    const stages = (['received', 'contacted', 'qualified', 'proposal', 'won'] as const).map((stage, i, all) => {
      const count = (s: (typeof all)[number]) => (s === 'received' ? c.leads : c[s]);
      return { stage, leads: count(stage), fromPrevious: i === 0 ? null : rateOf(count(stage), count(all[i - 1]!)), fromReceived: rateOf(count(stage), c.leads) };
    });
    return { from, to, stages, lost: c.lost };
  }

  async firstContact(query: FirstContactQuery, principal: Principal, fold = true): Promise<FirstContactReport> {
    const { from, to, where } = await this.prepare(query, principal, peopleGrain(query), fold);
    const by = query.by ?? 'team';
    const column = Prisma.raw(`"${DIMENSION_COLUMN[by]}"`);
    const [histograms, sla] = await Promise.all([
      // The same filters without the grain: the histogram table has owners only.
      // As text: parsing "{1,2,…}" here is several times faster than the driver's array decoding.
      this.rows<{ key: string | null; histogram: string }>(Prisma.sql`
        SELECT ${column}::text AS key, histogram::text AS histogram FROM first_contact_daily WHERE ${this.filters(query, principal, from, to)}`),
      this.rows<{ key: string | null; met: Sum; breached: Sum }>(Prisma.sql`
        SELECT ${column}::text AS key, sum(sla_met) AS met, sum(sla_breached) AS breached FROM lead_daily_stats WHERE ${where} GROUP BY 1`),
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
    const rows = await this.rows<{ action_type: string; done: Sum; dead: Sum }>(Prisma.sql`
      SELECT action_type, sum(done) AS done, sum(dead) AS dead FROM action_daily_stats
      WHERE day BETWEEN ${from}::date AND ${to}::date ${platform} GROUP BY 1 HAVING sum(done) + sum(dead) <> 0 ORDER BY 1`);
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
    // Today as each branch sees it (its leads count on its local days): around the report's today.
    const aroundToday = Prisma.sql`day BETWEEN ${today}::date - 1 AND ${today}::date + 1 AND day = lead_report_day(now(), branch_id)`;
    const [byPlatform, [todayRow], firstContact, actions] = await Promise.all([
      this.rows<CountRow & { platform: Platform }>(Prisma.sql`SELECT platform, ${SUMS} FROM lead_daily_stats WHERE ${where} GROUP BY platform`),
      this.rows<{ leads: Sum }>(Prisma.sql`SELECT sum(leads) AS leads FROM lead_daily_stats WHERE grain = 'people' AND span = 'day' AND ${aroundToday} ${scope}`),
      this.firstContact({ ...query, by: 'team' }, principal, false),
      principal.role === 'agent' ? undefined : this.actions(query, false),
    ]);
    const sum = (field: keyof CountRow) => byPlatform.reduce((n, r) => n + Number(r[field] ?? 0), 0);
    const totals = counts({ leads: sum('leads'), contacted: sum('contacted'), qualified: sum('qualified'), proposal: sum('proposal'), won: sum('won'), lost: sum('lost'), duplicates: sum('duplicates') });
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
    const from = query.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10);
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
