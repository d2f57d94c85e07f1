-- Wider rollup grains, each a third of the rows of the one it widens: `people` (branch, team and
-- person with every platform together: reports by person, team or branch, the funnel and totals
-- when no platform is asked for) and `campaign_all`, `adset_all`, `ad_all`, `form_all` (every
-- branch together: an admin's reports by ad object). People rows leave the platform empty.

-- AlterTable
ALTER TABLE "lead_daily_stats" ALTER COLUMN "platform" DROP NOT NULL;

-- Hand-written: the new grains' rows of what the rows they widen already count, at every span
-- (deltas not folded yet get them from the next fold).
INSERT INTO "lead_daily_stats" ("grain", "span", "day", "platform", "branch_id", "team_id", "employee_id",
  "leads", "contacted", "qualified", "proposal", "won", "lost", "duplicates", "sla_met", "sla_breached")
SELECT 'people', "span", "day", NULL, "branch_id", "team_id", "employee_id",
  sum("leads"), sum("contacted"), sum("qualified"), sum("proposal"), sum("won"), sum("lost"), sum("duplicates"), sum("sla_met"), sum("sla_breached")
FROM "lead_daily_stats"
WHERE "grain" = 'owner'
GROUP BY "span", "day", "branch_id", "team_id", "employee_id";

-- Each ad-object grain keeps only its own id: grouping by all four leaves the branch out.
INSERT INTO "lead_daily_stats" ("grain", "span", "day", "platform", "campaign_id", "adset_id", "ad_id", "form_id",
  "leads", "contacted", "qualified", "proposal", "won", "lost", "duplicates", "sla_met", "sla_breached")
SELECT "grain" || '_all', "span", "day", "platform", "campaign_id", "adset_id", "ad_id", "form_id",
  sum("leads"), sum("contacted"), sum("qualified"), sum("proposal"), sum("won"), sum("lost"), sum("duplicates"), sum("sla_met"), sum("sla_breached")
FROM "lead_daily_stats"
WHERE "grain" IN ('campaign', 'adset', 'ad', 'form')
GROUP BY "grain", "span", "day", "platform", "campaign_id", "adset_id", "ad_id", "form_id";
