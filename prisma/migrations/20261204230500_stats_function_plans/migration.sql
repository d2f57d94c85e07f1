-- Written by hand (Prisma does not model functions). A SQL-language function that cannot be inlined
-- is parsed and planned again in every statement that calls it; the same body in PL/pgSQL keeps its
-- plan for the session. These run for every lead two or three times (stored, routed, moved) and for
-- every finished action run, inside the statements that hold the team's lock while routing.
CREATE OR REPLACE FUNCTION lead_report_day(at_time timestamptz, branch_of uuid) RETURNS date LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (at_time AT TIME ZONE coalesce((SELECT b."timezone" FROM "branch" b WHERE b."id" = branch_of), 'Asia/Riyadh'))::date;
END
$$;

CREATE OR REPLACE FUNCTION lead_contact_minutes(received timestamptz, contacted timestamptz) RETURNS integer LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  m integer := greatest(0, floor(extract(epoch FROM contacted - received) / 60))::integer;
BEGIN
  RETURN CASE
    WHEN contacted IS NULL THEN NULL
    WHEN m < 120 THEN m
    WHEN m < 1440 THEN m - m % 10
    WHEN m < 10080 THEN m - m % 60
    ELSE 10080 END;
END
$$;

CREATE OR REPLACE FUNCTION lead_stats_add(l "lead", sign integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "lead_stats_delta" ("day", "platform", "campaign_id", "adset_id", "ad_id", "form_id", "branch_id", "team_id", "employee_id",
    "campaign_name", "adset_name", "ad_name", "form_name",
    "leads", "contacted", "qualified", "proposal", "won", "lost", "duplicates", "sla_met", "sla_breached", "contact_minutes")
  VALUES (lead_report_day(l."received_at", l."branch_id"), l."platform", l."campaign_id", l."adset_id", l."ad_id", l."form_id",
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
