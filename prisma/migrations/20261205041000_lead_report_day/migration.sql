-- AlterTable
ALTER TABLE "lead" ADD COLUMN     "report_day" DATE;

-- Hand-written from here. Reports counted a lead on its received day in its branch's timezone as
-- read at each write, so after a branch's timezone changed, a lead's next write took it off a day
-- it had never been added to (a negative count there, the old day counting it for ever). The day
-- is now kept on the lead: a change subtracts exactly what was added, and a branch's new timezone
-- moves its leads' days — and their counts — in the same transaction.

-- Existing leads keep the day they are counted on now: no count changes, so no deltas, and no new
-- transaction stamp (exports would otherwise send every lead again).
ALTER TABLE "lead" DISABLE TRIGGER "lead_stats", DISABLE TRIGGER "lead_touch_tx";
UPDATE "lead" SET "report_day" = lead_report_day("received_at", "branch_id");
ALTER TABLE "lead" ENABLE TRIGGER "lead_stats", ENABLE TRIGGER "lead_touch_tx";

-- Set on insert, and again when the receipt time or the branch changes (or when a writer cleared it).
CREATE FUNCTION lead_keep_report_day() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW."report_day" := lead_report_day(NEW."received_at", NEW."branch_id");
  ELSIF NEW."report_day" IS NULL OR (NEW."received_at", NEW."branch_id") IS DISTINCT FROM (OLD."received_at", OLD."branch_id") THEN
    NEW."report_day" := lead_report_day(NEW."received_at", NEW."branch_id");
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER "lead_keep_report_day" BEFORE INSERT OR UPDATE ON "lead" FOR EACH ROW EXECUTE FUNCTION lead_keep_report_day();

-- The kept day (a row loaded with triggers off has none: its day is computed as before).
CREATE OR REPLACE FUNCTION lead_stats_add(l "lead", sign integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "lead_stats_delta" ("day", "platform", "campaign_id", "adset_id", "ad_id", "form_id", "branch_id", "team_id", "employee_id",
    "campaign_name", "adset_name", "ad_name", "form_name",
    "leads", "contacted", "qualified", "proposal", "won", "lost", "duplicates", "sla_met", "sla_breached", "contact_minutes")
  VALUES (coalesce(l."report_day", lead_report_day(l."received_at", l."branch_id")), l."platform", l."campaign_id", l."adset_id", l."ad_id", l."form_id",
    l."branch_id", l."team_id", l."assignee_id", l."campaign_name", l."adset_name", l."ad_name", l."form_name",
    sign,
    sign * (l."contacted_at" IS NOT NULL)::integer,
    sign * (l."qualified_at" IS NOT NULL)::integer,
    sign * (l."proposal_at" IS NOT NULL)::integer,
    sign * (l."status" = 'won')::integer,
    sign * (l."status" = 'lost')::integer,
    sign * (l."duplicate_of_id" IS NOT NULL)::integer,
    sign * coalesce(l."sla_due_at" IS NOT NULL AND l."contacted_at" <= l."sla_due_at", false)::integer,
    sign * coalesce(l."sla_due_at" IS NOT NULL AND (l."sla_breached_at" IS NOT NULL OR l."contacted_at" > l."sla_due_at"), false)::integer,
    lead_contact_minutes(l."received_at", l."contacted_at"));
END
$$;

-- A moved day is a counted change like the others.
CREATE OR REPLACE FUNCTION lead_stats_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (OLD."received_at", OLD."report_day", OLD."platform", OLD."campaign_id", OLD."adset_id", OLD."ad_id", OLD."form_id",
      OLD."branch_id", OLD."team_id", OLD."assignee_id", OLD."campaign_name", OLD."adset_name", OLD."ad_name", OLD."form_name",
      OLD."status", OLD."contacted_at", OLD."qualified_at", OLD."proposal_at", OLD."duplicate_of_id", OLD."sla_due_at", OLD."sla_breached_at")
    IS NOT DISTINCT FROM (NEW."received_at", NEW."report_day", NEW."platform", NEW."campaign_id", NEW."adset_id", NEW."ad_id", NEW."form_id",
      NEW."branch_id", NEW."team_id", NEW."assignee_id", NEW."campaign_name", NEW."adset_name", NEW."ad_name", NEW."form_name",
      NEW."status", NEW."contacted_at", NEW."qualified_at", NEW."proposal_at", NEW."duplicate_of_id", NEW."sla_due_at", NEW."sla_breached_at") THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM lead_stats_add(OLD, -1); END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN PERFORM lead_stats_add(NEW, 1); END IF;
  RETURN NULL;
END
$$;

-- A branch's new timezone moves its leads to their local days there. A lead written while the
-- change commits may keep the day it got under the old zone (still counted exactly once).
CREATE FUNCTION branch_timezone_moves_lead_days() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "lead" SET "report_day" = ("received_at" AT TIME ZONE NEW."timezone")::date
  WHERE "branch_id" = NEW."id" AND "report_day" IS DISTINCT FROM ("received_at" AT TIME ZONE NEW."timezone")::date;
  RETURN NULL;
END
$$;

CREATE TRIGGER "branch_timezone_moves_lead_days" AFTER UPDATE OF "timezone" ON "branch" FOR EACH ROW
  WHEN (OLD."timezone" IS DISTINCT FROM NEW."timezone") EXECUTE FUNCTION branch_timezone_moves_lead_days();
