-- Hand-edited: the rollups are rebuilt from the leads below, so they start empty.
TRUNCATE "lead_daily_stats", "first_contact_daily", "lead_stats_delta";

-- DropIndex
DROP INDEX "first_contact_daily_key";

-- DropIndex
DROP INDEX "lead_daily_stats_key";

-- AlterTable
ALTER TABLE "first_contact_daily" DROP COLUMN "leads",
DROP COLUMN "minutes",
ADD COLUMN     "histogram" INTEGER[];

-- AlterTable
ALTER TABLE "lead_daily_stats" ADD COLUMN     "grain" TEXT NOT NULL;

-- CreateIndex (hand-edited: NULLS NOT DISTINCT)
CREATE UNIQUE INDEX "first_contact_daily_key" ON "first_contact_daily"("day", "platform", "branch_id", "team_id", "employee_id") NULLS NOT DISTINCT;

-- CreateIndex (hand-edited: NULLS NOT DISTINCT)
CREATE UNIQUE INDEX "lead_daily_stats_key" ON "lead_daily_stats"("grain", "day", "platform", "campaign_id", "adset_id", "ad_id", "form_id", "branch_id", "team_id", "employee_id") NULLS NOT DISTINCT;

-- Hand-written from here.

-- The 32 buckets of time to first contact, by their lower bound in minutes: exact below ten
-- minutes, then 15, 20, 25, 30, 40, 50, 60, 75, 90, 120, 150, 180, 240, 360, 480, 720, 1080,
-- 1440 (a day), 2880, 4320 and 10080 (a week or more). Returns the bucket's index, 1 to 32.
CREATE FUNCTION report_contact_bucket(minutes integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
  SELECT count(*)::integer FROM unnest(ARRAY[0,1,2,3,4,5,6,7,8,9,10,15,20,25,30,40,50,60,75,90,120,150,180,240,360,480,720,1080,1440,2880,4320,10080]) AS b WHERE b <= minutes
$$;

-- Element-wise sum of two histograms.
CREATE FUNCTION report_histogram_add(a integer[], b integer[]) RETURNS integer[] LANGUAGE sql IMMUTABLE AS $$
  SELECT array_agg(coalesce(a[i], 0) + coalesce(b[i], 0) ORDER BY i) FROM generate_series(1, greatest(cardinality(a), cardinality(b))) AS i
$$;

-- Every stored lead counts again from the start (the next fold fills every grain).
SELECT lead_stats_add(l, 1) FROM "lead" l;

