import { Injectable } from '@nestjs/common';
import { PrismaClient } from '@leadflow/db';
import { REPORT_SPANS } from '@leadflow/domain';

const FOLD_BATCH = 50_000;

/**
 * Keeps the report rollups current. Triggers on `lead` and `action_run` append signed deltas
 * (insert-only: writers never wait on a shared counter row); folding moves them into the rollup
 * tables in one statement per batch, at every grain and span (day, week, month). Folds may run
 * concurrently: each delta is deleted by exactly one of them, and a fold that meets rows another
 * is moving waits for it, so a report that folds first reads everything committed before it.
 */
@Injectable()
export class ReportRollups {
  constructor(private readonly prisma: PrismaClient) {}

  /** Folds every pending delta; returns how many were folded. */
  async fold(): Promise<number> {
    // Most calls find nothing to fold: a cheap look first spares planning the fold statements.
    const [pending] = await this.prisma.$queryRawUnsafe<{ leads: boolean; actions: boolean }[]>(
      'SELECT EXISTS (SELECT 1 FROM "lead_stats_delta") AS leads, EXISTS (SELECT 1 FROM "action_stats_delta") AS actions',
    );
    if (!pending!.leads && !pending!.actions) return 0;
    let total = 0;
    for (;;) {
      const [leads] = await this.prisma.$queryRawUnsafe<{ moved: bigint }[]>(FOLD_LEADS, FOLD_BATCH);
      const [actions] = await this.prisma.$queryRawUnsafe<{ moved: bigint }[]>(FOLD_ACTIONS, FOLD_BATCH);
      const moved = Number(leads!.moved) + Number(actions!.moved);
      total += moved;
      if (Number(leads!.moved) < FOLD_BATCH && Number(actions!.moved) < FOLD_BATCH) return total;
    }
  }

  /**
   * Recomputes every rollup from the leads and runs (to check the incremental path, or after rows
   * were loaded with triggers off). Writers wait meanwhile, so nothing is counted twice or missed.
   * A branch's timezone change needs no rebuild: it moves its leads' kept `report_day` itself.
   */
  async rebuild(): Promise<number> {
    await this.prisma.$transaction(
      async (tx) => {
        await tx.$executeRawUnsafe('LOCK TABLE "lead", "action_run" IN SHARE MODE');
        await tx.$executeRawUnsafe('TRUNCATE "lead_daily_stats", "first_contact_daily", "action_daily_stats", "lead_stats_delta", "action_stats_delta"');
        await tx.$executeRawUnsafe('SELECT lead_stats_add(l, 1) FROM "lead" l');
        await tx.$executeRawUnsafe(`INSERT INTO "action_stats_delta" ("day", "platform", "action_type", "done", "dead")
          SELECT lead_report_day(r."created_at", NULL), l."platform", r."action_type", (r."status" = 'done')::integer, (r."status" = 'dead')::integer
          FROM "action_run" r JOIN "lead" l ON l."id" = r."lead_id" WHERE r."status" IN ('done', 'dead')`);
      },
      { timeout: 600_000 },
    );
    const folded = await this.fold();
    // Folding in batches updated each rollup row many times over (~20 for 1M leads), and none of
    // those updates can be HOT (the read index covers the counts): rewrite the tables compact —
    // the read index was 11× its size and year reports ~20% slower — then give the planner fresh
    // statistics and the visibility map its index-only scans need.
    const tables = '"lead_daily_stats", "first_contact_daily", "action_daily_stats", "lead_stats_delta", "action_stats_delta"';
    await this.prisma.$executeRawUnsafe(`VACUUM (FULL) ${tables}`);
    await this.prisma.$executeRawUnsafe(`VACUUM (ANALYZE) ${tables}`);
    return folded;
  }
}

/** The grains a lead is counted at, and the dimensions each keeps (the rest are left empty). */
export const REPORT_GRAINS = {
  owner: ['platform', 'branch_id', 'team_id', 'employee_id'],
  // Every platform together: a third of the owner rows, for reports that ask for no platform.
  people: ['branch_id', 'team_id', 'employee_id'],
  campaign: ['platform', 'branch_id', 'campaign_id'],
  adset: ['platform', 'branch_id', 'adset_id'],
  ad: ['platform', 'branch_id', 'ad_id'],
  form: ['platform', 'branch_id', 'form_id'],
  // Every branch together: what an admin's report by ad object reads (a third of the rows above).
  campaign_all: ['platform', 'campaign_id'],
  adset_all: ['platform', 'adset_id'],
  ad_all: ['platform', 'ad_id'],
  form_all: ['platform', 'form_id'],
  fine: ['platform', 'campaign_id', 'adset_id', 'ad_id', 'form_id', 'branch_id', 'team_id', 'employee_id'],
} as const;
export type ReportGrain = keyof typeof REPORT_GRAINS;

const DIMENSIONS = ['platform', 'campaign_id', 'adset_id', 'ad_id', 'form_id', 'branch_id', 'team_id', 'employee_id'] as const;
const LEAD_KEY = `"grain", "span", "day", ${DIMENSIONS.map((d) => `"${d}"`).join(', ')}`;
const LEAD_MEASURES = ['leads', 'contacted', 'qualified', 'proposal', 'won', 'lost', 'duplicates', 'sla_met', 'sla_breached'];
const CONTACT_KEY = '"span", "day", "platform", "branch_id", "team_id", "employee_id"';
/** Each delta counts in the day, week and month that hold its day (see reportSpans). */
const SPANS = `(VALUES ${REPORT_SPANS.map((span) => `('${span}')`).join(', ')}) AS s("span")`;
const SPAN_DAY = 'date_trunc(s."span", m."day"::timestamp)::date';
const grainColumn = (d: string) => `CASE WHEN ${Object.entries(REPORT_GRAINS).filter(([, dims]) => (dims as readonly string[]).includes(d)).map(([g]) => `g."grain" = '${g}'`).join(' OR ')} THEN m."${d}" END`;

const FOLD_LEADS = `
WITH moved AS (
  DELETE FROM "lead_stats_delta" WHERE "id" IN (SELECT "id" FROM "lead_stats_delta" ORDER BY "id" LIMIT $1) RETURNING *
), stats AS (
  INSERT INTO "lead_daily_stats" (${LEAD_KEY}, ${LEAD_MEASURES.map((m) => `"${m}"`).join(', ')})
  SELECT g."grain", s."span", ${SPAN_DAY}, ${DIMENSIONS.map(grainColumn).join(', ')}, ${LEAD_MEASURES.map((x) => `sum(m."${x}")`).join(', ')}
  FROM moved m CROSS JOIN (VALUES ${Object.keys(REPORT_GRAINS).map((g) => `('${g}')`).join(', ')}) AS g("grain") CROSS JOIN ${SPANS}
  GROUP BY ${Array.from({ length: DIMENSIONS.length + 3 }, (_, i) => i + 1).join(', ')}
  ON CONFLICT (${LEAD_KEY}) DO UPDATE SET ${LEAD_MEASURES.map((m) => `"${m}" = "lead_daily_stats"."${m}" + EXCLUDED."${m}"`).join(', ')}
), buckets AS (
  -- One row per owner, span and bucket; "key" joins them by plain equality (the ids may be empty).
  SELECT ${CONTACT_KEY}, concat_ws('|', "span", "day", "platform", coalesce("branch_id"::text, ''), coalesce("team_id"::text, ''), coalesce("employee_id"::text, '')) AS "key",
    report_contact_bucket("contact_minutes") AS "bucket", sum("contacted")::integer AS "count"
  FROM (SELECT s."span", ${SPAN_DAY} AS "day", m."platform", m."branch_id", m."team_id", m."employee_id", m."contact_minutes", m."contacted"
        FROM moved m CROSS JOIN ${SPANS} WHERE m."contact_minutes" IS NOT NULL) AS spanned
  GROUP BY ${CONTACT_KEY}, 8 HAVING sum("contacted") <> 0
), contact AS (
  INSERT INTO "first_contact_daily" (${CONTACT_KEY}, "histogram")
  SELECT k."span", k."day", k."platform", k."branch_id", k."team_id", k."employee_id", array_agg(coalesce(b."count", 0) ORDER BY i)
  FROM (SELECT DISTINCT ${CONTACT_KEY}, "key" FROM buckets) AS k CROSS JOIN generate_series(1, 32) AS i
  LEFT JOIN buckets b ON b."key" = k."key" AND b."bucket" = i
  GROUP BY k."span", k."day", k."platform", k."branch_id", k."team_id", k."employee_id"
  ON CONFLICT (${CONTACT_KEY}) DO UPDATE SET "histogram" = report_histogram_add("first_contact_daily"."histogram", EXCLUDED."histogram")
), labels AS (
  INSERT INTO "ad_label" ("platform", "kind", "external_id", "name")
  SELECT DISTINCT ON ("platform", "kind", "external_id") "platform", "kind", "external_id", "name" FROM (
    SELECT "id", "platform", 'campaign' AS "kind", "campaign_id" AS "external_id", "campaign_name" AS "name" FROM moved WHERE "leads" > 0 AND "campaign_id" IS NOT NULL AND "campaign_name" IS NOT NULL
    UNION ALL SELECT "id", "platform", 'adset', "adset_id", "adset_name" FROM moved WHERE "leads" > 0 AND "adset_id" IS NOT NULL AND "adset_name" IS NOT NULL
    UNION ALL SELECT "id", "platform", 'ad', "ad_id", "ad_name" FROM moved WHERE "leads" > 0 AND "ad_id" IS NOT NULL AND "ad_name" IS NOT NULL
    UNION ALL SELECT "id", "platform", 'form', "form_id", "form_name" FROM moved WHERE "leads" > 0 AND "form_id" IS NOT NULL AND "form_name" IS NOT NULL
  ) AS named ORDER BY "platform", "kind", "external_id", "id" DESC
  ON CONFLICT ("platform", "kind", "external_id") DO UPDATE SET "name" = EXCLUDED."name" WHERE "ad_label"."name" <> EXCLUDED."name"
)
SELECT (SELECT count(*) FROM moved) AS moved`; // the other CTEs run to completion whether read or not

const FOLD_ACTIONS = `
WITH moved AS (
  DELETE FROM "action_stats_delta" WHERE "id" IN (SELECT "id" FROM "action_stats_delta" ORDER BY "id" LIMIT $1) RETURNING *
), stats AS (
  INSERT INTO "action_daily_stats" ("day", "platform", "action_type", "done", "dead")
  SELECT "day", "platform", "action_type", sum("done"), sum("dead") FROM moved GROUP BY "day", "platform", "action_type"
  ON CONFLICT ("day", "platform", "action_type") DO UPDATE SET "done" = "action_daily_stats"."done" + EXCLUDED."done", "dead" = "action_daily_stats"."dead" + EXCLUDED."dead"
)
SELECT (SELECT count(*) FROM moved) AS moved`;
