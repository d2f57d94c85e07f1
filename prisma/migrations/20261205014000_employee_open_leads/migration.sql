-- AlterTable
ALTER TABLE "employee" ADD COLUMN "open_leads" INTEGER NOT NULL DEFAULT 0;

-- Written by hand (Prisma does not model functions or triggers). Routing weighs each candidate by
-- their open leads (assigned, status new, not contacted yet). It counted them on every decision,
-- under the team's lock, so each decision took longer the more leads waited for a call (30 ms at
-- 100,000). The number is now kept on the employee by the lead's own writes.

-- A lead written by itself (the service writes one lead per transaction): the owner it counted for
-- before and the one it counts for now.
CREATE FUNCTION employee_open_leads_track() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  was_open_for uuid;
  open_for uuid;
BEGIN
  IF OLD."status" = 'new' AND OLD."contacted_at" IS NULL THEN was_open_for := OLD."assignee_id"; END IF;
  IF TG_OP = 'UPDATE' AND NEW."status" = 'new' AND NEW."contacted_at" IS NULL THEN open_for := NEW."assignee_id"; END IF;
  IF was_open_for IS NOT DISTINCT FROM open_for THEN RETURN NULL; END IF;
  IF was_open_for IS NOT NULL AND open_for IS NOT NULL THEN
    -- A reassignment touches two employees: lock them in id order, so two opposite ones cannot deadlock.
    PERFORM 1 FROM "employee" WHERE "id" IN (was_open_for, open_for) ORDER BY "id" FOR UPDATE;
  END IF;
  UPDATE "employee" SET "open_leads" = "open_leads" + CASE WHEN "id" = open_for THEN 1 ELSE -1 END
  WHERE "id" IN (was_open_for, open_for);
  RETURN NULL;
END
$$;

CREATE TRIGGER "employee_open_leads_update" AFTER UPDATE OF "assignee_id", "status", "contacted_at" ON "lead" FOR EACH ROW
  WHEN (OLD."assignee_id" IS DISTINCT FROM NEW."assignee_id" OR OLD."status" IS DISTINCT FROM NEW."status" OR OLD."contacted_at" IS DISTINCT FROM NEW."contacted_at")
  EXECUTE FUNCTION employee_open_leads_track();
CREATE TRIGGER "employee_open_leads_delete" AFTER DELETE ON "lead" FOR EACH ROW EXECUTE FUNCTION employee_open_leads_track();

-- New leads per statement: a bulk load (the demo seed) adds to each owner once instead of updating
-- the same employee row for every lead. New leads from the platforms arrive unassigned.
CREATE FUNCTION employee_open_leads_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "employee" e SET "open_leads" = e."open_leads" + added.n
  FROM (
    SELECT "assignee_id", count(*)::integer AS n FROM inserted
    WHERE "assignee_id" IS NOT NULL AND "status" = 'new' AND "contacted_at" IS NULL
    GROUP BY "assignee_id"
  ) added
  WHERE e."id" = added."assignee_id";
  RETURN NULL;
END
$$;

CREATE TRIGGER "employee_open_leads_insert" AFTER INSERT ON "lead" REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT
  EXECUTE FUNCTION employee_open_leads_inserted();

-- Counted from the leads themselves: the starting point, and after writes that bypass row triggers
-- (TRUNCATE, or a bulk load with triggers disabled).
CREATE FUNCTION employee_open_leads_recount() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "employee" e SET "open_leads" = counted.n
  FROM (
    SELECT em."id", count(l."id")::integer AS n
    FROM "employee" em LEFT JOIN "lead" l ON l."assignee_id" = em."id" AND l."status" = 'new' AND l."contacted_at" IS NULL
    GROUP BY em."id"
  ) counted
  WHERE counted."id" = e."id" AND e."open_leads" <> counted.n;
END
$$;

CREATE FUNCTION employee_open_leads_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM employee_open_leads_recount();
  RETURN NULL;
END
$$;

CREATE TRIGGER "employee_open_leads_truncate" AFTER TRUNCATE ON "lead" FOR EACH STATEMENT EXECUTE FUNCTION employee_open_leads_truncated();

SELECT employee_open_leads_recount();
