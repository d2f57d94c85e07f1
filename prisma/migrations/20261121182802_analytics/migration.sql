-- AlterTable
ALTER TABLE "lead" ADD COLUMN     "closed_at" TIMESTAMPTZ(3),
ADD COLUMN     "duplicate_of_id" UUID,
ADD COLUMN     "lost_reason" TEXT,
ADD COLUMN     "proposal_at" TIMESTAMPTZ(3),
ADD COLUMN     "qualified_at" TIMESTAMPTZ(3),
ADD COLUMN     "tx" xid8 NOT NULL DEFAULT pg_current_xact_id();

-- AlterTable
ALTER TABLE "lead_event" ADD COLUMN     "tx" xid8 NOT NULL DEFAULT pg_current_xact_id();

-- CreateTable
CREATE TABLE "lead_daily_stats" (
    "id" BIGSERIAL NOT NULL,
    "day" DATE NOT NULL,
    "platform" "Platform" NOT NULL,
    "campaign_id" TEXT,
    "adset_id" TEXT,
    "ad_id" TEXT,
    "form_id" TEXT,
    "branch_id" UUID,
    "team_id" UUID,
    "employee_id" UUID,
    "leads" INTEGER NOT NULL DEFAULT 0,
    "contacted" INTEGER NOT NULL DEFAULT 0,
    "qualified" INTEGER NOT NULL DEFAULT 0,
    "proposal" INTEGER NOT NULL DEFAULT 0,
    "won" INTEGER NOT NULL DEFAULT 0,
    "lost" INTEGER NOT NULL DEFAULT 0,
    "duplicates" INTEGER NOT NULL DEFAULT 0,
    "sla_met" INTEGER NOT NULL DEFAULT 0,
    "sla_breached" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "lead_daily_stats_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "first_contact_daily" (
    "id" BIGSERIAL NOT NULL,
    "day" DATE NOT NULL,
    "platform" "Platform" NOT NULL,
    "branch_id" UUID,
    "team_id" UUID,
    "employee_id" UUID,
    "minutes" INTEGER NOT NULL,
    "leads" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "first_contact_daily_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "action_daily_stats" (
    "id" BIGSERIAL NOT NULL,
    "day" DATE NOT NULL,
    "platform" "Platform" NOT NULL,
    "action_type" TEXT NOT NULL,
    "done" INTEGER NOT NULL DEFAULT 0,
    "dead" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "action_daily_stats_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lead_stats_delta" (
    "id" BIGSERIAL NOT NULL,
    "day" DATE NOT NULL,
    "platform" "Platform" NOT NULL,
    "campaign_id" TEXT,
    "adset_id" TEXT,
    "ad_id" TEXT,
    "form_id" TEXT,
    "branch_id" UUID,
    "team_id" UUID,
    "employee_id" UUID,
    "campaign_name" TEXT,
    "adset_name" TEXT,
    "ad_name" TEXT,
    "form_name" TEXT,
    "leads" INTEGER NOT NULL,
    "contacted" INTEGER NOT NULL,
    "qualified" INTEGER NOT NULL,
    "proposal" INTEGER NOT NULL,
    "won" INTEGER NOT NULL,
    "lost" INTEGER NOT NULL,
    "duplicates" INTEGER NOT NULL,
    "sla_met" INTEGER NOT NULL,
    "sla_breached" INTEGER NOT NULL,
    "contact_minutes" INTEGER,

    CONSTRAINT "lead_stats_delta_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "action_stats_delta" (
    "id" BIGSERIAL NOT NULL,
    "day" DATE NOT NULL,
    "platform" "Platform" NOT NULL,
    "action_type" TEXT NOT NULL,
    "done" INTEGER NOT NULL,
    "dead" INTEGER NOT NULL,

    CONSTRAINT "action_stats_delta_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ad_label" (
    "platform" "Platform" NOT NULL,
    "kind" TEXT NOT NULL,
    "external_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "ad_label_pkey" PRIMARY KEY ("platform","kind","external_id")
);

-- CreateTable
CREATE TABLE "sync_job" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "origin" TEXT NOT NULL DEFAULT 'manual',
    "requested_by" TEXT,
    "progress" JSONB NOT NULL DEFAULT '{}',
    "result" JSONB,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "sync_job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sync_cursor" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sync_cursor_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "analytics_delivery" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "destination" TEXT NOT NULL DEFAULT 'ga4',
    "lead_id" UUID NOT NULL,
    "event" TEXT NOT NULL,
    "lead_event_id" BIGINT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "validation_messages" JSONB,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "analytics_delivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
-- Hand-edited: NULLS NOT DISTINCT, so a lead without a campaign or an owner still has one row to add to.
CREATE UNIQUE INDEX "lead_daily_stats_key" ON "lead_daily_stats"("day", "platform", "campaign_id", "adset_id", "ad_id", "form_id", "branch_id", "team_id", "employee_id") NULLS NOT DISTINCT;

-- CreateIndex
-- Hand-edited: NULLS NOT DISTINCT (as above).
CREATE UNIQUE INDEX "first_contact_daily_key" ON "first_contact_daily"("day", "platform", "branch_id", "team_id", "employee_id", "minutes") NULLS NOT DISTINCT;

-- CreateIndex
CREATE UNIQUE INDEX "action_daily_stats_key" ON "action_daily_stats"("day", "platform", "action_type");

-- CreateIndex
CREATE INDEX "sync_job_kind_created_at_idx" ON "sync_job"("kind", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "sync_job_one_active" ON "sync_job"("kind") WHERE (status IN ('queued', 'running'));

-- CreateIndex
CREATE INDEX "analytics_delivery_status_next_attempt_at_idx" ON "analytics_delivery"("status", "next_attempt_at");

-- CreateIndex
CREATE UNIQUE INDEX "analytics_delivery_destination_lead_id_event_key" ON "analytics_delivery"("destination", "lead_id", "event");

-- CreateIndex
CREATE INDEX "lead_tx_id_idx" ON "lead"("tx", "id");

-- CreateIndex
CREATE INDEX "lead_event_tx_id_idx" ON "lead_event"("tx", "id");

-- Hand-written from here: the triggers that keep the report rollups and the export order.

-- A lead's rewrite is visible to exports in the order of the transaction that made it.
CREATE FUNCTION lead_touch_tx() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."tx" := pg_current_xact_id();
  RETURN NEW;
END
$$;

CREATE TRIGGER "lead_touch_tx" BEFORE UPDATE ON "lead" FOR EACH ROW EXECUTE FUNCTION lead_touch_tx();

-- Reports count a lead on its received day in its branch's timezone (Asia/Riyadh without a branch).
CREATE FUNCTION lead_report_day(at_time timestamptz, branch_of uuid) RETURNS date LANGUAGE sql STABLE AS $$
  SELECT (at_time AT TIME ZONE coalesce((SELECT b."timezone" FROM "branch" b WHERE b."id" = branch_of), 'Asia/Riyadh'))::date
$$;

-- Minutes from receipt to first contact: exact below two hours, then to 10 minutes below a day,
-- to the hour below a week, and 10080 for a week or more.
CREATE FUNCTION lead_contact_minutes(received timestamptz, contacted timestamptz) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN contacted IS NULL THEN NULL
    WHEN m < 120 THEN m
    WHEN m < 1440 THEN m - m % 10
    WHEN m < 10080 THEN m - m % 60
    ELSE 10080 END
  FROM (SELECT greatest(0, floor(extract(epoch FROM contacted - received) / 60))::integer AS m) AS minutes
$$;

-- One lead's contribution to the rollups, added (sign 1) or taken away (sign -1).
CREATE FUNCTION lead_stats_add(l "lead", sign integer) RETURNS void LANGUAGE sql AS $$
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
    lead_contact_minutes(l."received_at", l."contacted_at"))
$$;

-- Any change that moves a lead in the reports writes minus-old and plus-new; nothing is updated in
-- place, so concurrent writers never wait on each other for a rollup row.
CREATE FUNCTION lead_stats_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (OLD."received_at", OLD."platform", OLD."campaign_id", OLD."adset_id", OLD."ad_id", OLD."form_id",
      OLD."branch_id", OLD."team_id", OLD."assignee_id", OLD."campaign_name", OLD."adset_name", OLD."ad_name", OLD."form_name",
      OLD."status", OLD."contacted_at", OLD."qualified_at", OLD."proposal_at", OLD."duplicate_of_id", OLD."sla_due_at", OLD."sla_breached_at")
    IS NOT DISTINCT FROM (NEW."received_at", NEW."platform", NEW."campaign_id", NEW."adset_id", NEW."ad_id", NEW."form_id",
      NEW."branch_id", NEW."team_id", NEW."assignee_id", NEW."campaign_name", NEW."adset_name", NEW."ad_name", NEW."form_name",
      NEW."status", NEW."contacted_at", NEW."qualified_at", NEW."proposal_at", NEW."duplicate_of_id", NEW."sla_due_at", NEW."sla_breached_at") THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM lead_stats_add(OLD, -1); END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN PERFORM lead_stats_add(NEW, 1); END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "lead_stats" AFTER INSERT OR UPDATE OR DELETE ON "lead" FOR EACH ROW EXECUTE FUNCTION lead_stats_track();

-- Finished action runs (done or dead), counted on the day the run was created.
CREATE FUNCTION action_stats_track() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  was text := CASE WHEN TG_OP = 'UPDATE' THEN OLD."status"::text END;
  now_status text := NEW."status"::text;
BEGIN
  IF was IS NOT DISTINCT FROM now_status OR NOT (coalesce(was IN ('done', 'dead'), false) OR now_status IN ('done', 'dead')) THEN
    RETURN NULL;
  END IF;
  INSERT INTO "action_stats_delta" ("day", "platform", "action_type", "done", "dead")
  SELECT lead_report_day(NEW."created_at", NULL), l."platform", NEW."action_type",
    (now_status = 'done')::integer - coalesce(was = 'done', false)::integer,
    (now_status = 'dead')::integer - coalesce(was = 'dead', false)::integer
  FROM "lead" l WHERE l."id" = NEW."lead_id";
  RETURN NULL;
END
$$;

CREATE TRIGGER "action_stats" AFTER INSERT OR UPDATE OF "status" ON "action_run" FOR EACH ROW EXECUTE FUNCTION action_stats_track();

-- What is already stored counts from the start.
SELECT lead_stats_add(l, 1) FROM "lead" l;
INSERT INTO "action_stats_delta" ("day", "platform", "action_type", "done", "dead")
SELECT lead_report_day(r."created_at", NULL), l."platform", r."action_type", (r."status" = 'done')::integer, (r."status" = 'dead')::integer
FROM "action_run" r JOIN "lead" l ON l."id" = r."lead_id" WHERE r."status" IN ('done', 'dead');
