-- CreateTable
CREATE TABLE "organisation_version" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "stamp" UUID NOT NULL DEFAULT gen_random_uuid(),

    CONSTRAINT "organisation_version_pkey" PRIMARY KEY ("id")
);

-- Written by hand (Prisma does not model triggers): every statement that writes branches, teams,
-- routing rules or automations gives the organisation a new stamp, in its own transaction, so a
-- reader that sees the new stamp also sees the change.
INSERT INTO "organisation_version" ("id") VALUES (1);

CREATE FUNCTION organisation_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "organisation_version" SET "stamp" = gen_random_uuid() WHERE "id" = 1;
  RETURN NULL;
END
$$;

CREATE TRIGGER "branch_organisation_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "branch" FOR EACH STATEMENT EXECUTE FUNCTION organisation_changed();
CREATE TRIGGER "team_organisation_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "team" FOR EACH STATEMENT EXECUTE FUNCTION organisation_changed();
CREATE TRIGGER "routing_rule_organisation_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "routing_rule" FOR EACH STATEMENT EXECUTE FUNCTION organisation_changed();
CREATE TRIGGER "automation_organisation_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "automation" FOR EACH STATEMENT EXECUTE FUNCTION organisation_changed();
