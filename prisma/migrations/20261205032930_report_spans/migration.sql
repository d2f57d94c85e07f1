-- Every rollup row now counts a span: a day, a week (from its Monday) or a calendar month, so a
-- long report range reads whole months and weeks instead of every day (see reportSpans).

-- DropIndex
DROP INDEX "first_contact_daily_key";

-- DropIndex
DROP INDEX "first_contact_daily_read";

-- DropIndex
DROP INDEX "lead_daily_stats_key";

-- DropIndex
DROP INDEX "lead_daily_stats_read";

-- AlterTable
ALTER TABLE "first_contact_daily" ADD COLUMN     "span" TEXT NOT NULL DEFAULT 'day';

-- AlterTable
ALTER TABLE "lead_daily_stats" ADD COLUMN     "span" TEXT NOT NULL DEFAULT 'day';

-- Hand-written: the week and month rows of what the day rows already count (deltas not folded
-- yet get all three spans from the next fold). Before the indexes, which then build once.
INSERT INTO "lead_daily_stats" ("grain", "span", "day", "platform", "campaign_id", "adset_id", "ad_id", "form_id", "branch_id", "team_id", "employee_id",
  "leads", "contacted", "qualified", "proposal", "won", "lost", "duplicates", "sla_met", "sla_breached")
SELECT d."grain", s."span", date_trunc(s."span", d."day"::timestamp)::date, d."platform", d."campaign_id", d."adset_id", d."ad_id", d."form_id", d."branch_id", d."team_id", d."employee_id",
  sum(d."leads"), sum(d."contacted"), sum(d."qualified"), sum(d."proposal"), sum(d."won"), sum(d."lost"), sum(d."duplicates"), sum(d."sla_met"), sum(d."sla_breached")
FROM "lead_daily_stats" d CROSS JOIN (VALUES ('week'), ('month')) AS s("span")
WHERE d."span" = 'day'
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11;

INSERT INTO "first_contact_daily" ("span", "day", "platform", "branch_id", "team_id", "employee_id", "histogram")
SELECT "span", "day", "platform", "branch_id", "team_id", "employee_id", array_agg("count" ORDER BY "bucket")
FROM (
  SELECT s."span", date_trunc(s."span", f."day"::timestamp)::date AS "day", f."platform", f."branch_id", f."team_id", f."employee_id", h."bucket", sum(h."count")::integer AS "count"
  FROM "first_contact_daily" f CROSS JOIN (VALUES ('week'), ('month')) AS s("span") CROSS JOIN LATERAL unnest(f."histogram") WITH ORDINALITY AS h("count", "bucket")
  WHERE f."span" = 'day'
  GROUP BY 1, 2, 3, 4, 5, 6, 7
) AS buckets
GROUP BY 1, 2, 3, 4, 5, 6;

-- CreateIndex
CREATE INDEX "first_contact_daily_read" ON "first_contact_daily"("span", "day", "platform", "branch_id", "team_id", "employee_id", "histogram");

-- CreateIndex (hand-edited: NULLS NOT DISTINCT)
CREATE UNIQUE INDEX "first_contact_daily_key" ON "first_contact_daily"("span", "day", "platform", "branch_id", "team_id", "employee_id") NULLS NOT DISTINCT;

-- CreateIndex
CREATE INDEX "lead_daily_stats_read" ON "lead_daily_stats"("grain", "span", "day", "platform", "campaign_id", "adset_id", "ad_id", "form_id", "branch_id", "team_id", "employee_id", "leads", "contacted", "qualified", "proposal", "won", "lost", "duplicates", "sla_met", "sla_breached");

-- CreateIndex (hand-edited: NULLS NOT DISTINCT)
CREATE UNIQUE INDEX "lead_daily_stats_key" ON "lead_daily_stats"("grain", "span", "day", "platform", "campaign_id", "adset_id", "ad_id", "form_id", "branch_id", "team_id", "employee_id") NULLS NOT DISTINCT;
