-- The `people` grain: branch, team and person with every platform together, a third of the owner
-- grain's rows — what reports by person, team or branch (and the funnel and totals) read when no
-- platform is asked for. Its rows leave the platform empty.

-- AlterTable
ALTER TABLE "lead_daily_stats" ALTER COLUMN "platform" DROP NOT NULL;

-- Hand-written: the people rows of what the owner rows already count, at every span (deltas not
-- folded yet get the grain from the next fold).
INSERT INTO "lead_daily_stats" ("grain", "span", "day", "platform", "branch_id", "team_id", "employee_id",
  "leads", "contacted", "qualified", "proposal", "won", "lost", "duplicates", "sla_met", "sla_breached")
SELECT 'people', "span", "day", NULL, "branch_id", "team_id", "employee_id",
  sum("leads"), sum("contacted"), sum("qualified"), sum("proposal"), sum("won"), sum("lost"), sum("duplicates"), sum("sla_met"), sum("sla_breached")
FROM "lead_daily_stats"
WHERE "grain" = 'owner'
GROUP BY "span", "day", "branch_id", "team_id", "employee_id";
