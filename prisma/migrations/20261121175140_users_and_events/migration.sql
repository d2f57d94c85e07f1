-- CreateEnum
CREATE TYPE "UserRole" AS ENUM ('admin', 'manager', 'agent');

-- AlterTable
ALTER TABLE "lead" ADD COLUMN     "tags" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "notification" ADD COLUMN     "user_id" UUID,
ALTER COLUMN "employee_id" DROP NOT NULL;

-- CreateTable
CREATE TABLE "app_user" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "UserRole" NOT NULL,
    "password_hash" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "employee_id" UUID,
    "branch_id" UUID,
    "last_login_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "app_user_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_key" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "key_hash" TEXT NOT NULL,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "api_key_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stream_event" (
    "id" BIGSERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "lead_id" UUID,
    "branch_id" UUID,
    "employee_id" UUID,
    "user_id" UUID,
    "payload" JSONB NOT NULL,
    "tx" xid8 NOT NULL DEFAULT pg_current_xact_id(),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stream_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "app_user_email_key" ON "app_user"("email");

-- CreateIndex
CREATE UNIQUE INDEX "app_user_employee_id_key" ON "app_user"("employee_id");

-- CreateIndex
CREATE UNIQUE INDEX "api_key_key_hash_key" ON "api_key"("key_hash");

-- CreateIndex
CREATE INDEX "api_key_user_id_idx" ON "api_key"("user_id");

-- CreateIndex
CREATE INDEX "stream_event_created_at_idx" ON "stream_event"("created_at");

-- CreateIndex
CREATE INDEX "lead_tags_idx" ON "lead" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "notification_user_id_created_at_idx" ON "notification"("user_id", "created_at");

-- AddForeignKey
ALTER TABLE "notification" ADD CONSTRAINT "notification_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "app_user" ADD CONSTRAINT "app_user_employee_id_fkey" FOREIGN KEY ("employee_id") REFERENCES "employee"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "app_user" ADD CONSTRAINT "app_user_branch_id_fkey" FOREIGN KEY ("branch_id") REFERENCES "branch"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_key" ADD CONSTRAINT "api_key_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Written by hand (Prisma does not model triggers): every timeline step and every notification
-- becomes a stream event in the same transaction, and wakes the relay that pushes them to browsers.
CREATE FUNCTION stream_lead_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "stream_event" ("kind", "lead_id", "branch_id", "employee_id", "payload")
  SELECT 'lead.' || NEW."type", NEW."lead_id", l."branch_id", l."assignee_id",
         jsonb_build_object('leadId', NEW."lead_id", 'type', NEW."type", 'actor', NEW."actor", 'occurredAt', NEW."occurred_at",
                            'status', l."status", 'assigneeId', l."assignee_id", 'teamId', l."team_id")
  FROM "lead" l WHERE l."id" = NEW."lead_id";
  PERFORM pg_notify('stream_event', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER "lead_event_stream" AFTER INSERT ON "lead_event" FOR EACH ROW EXECUTE FUNCTION stream_lead_event();

CREATE FUNCTION stream_notification() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "stream_event" ("kind", "lead_id", "employee_id", "user_id", "payload")
  VALUES ('notification', NEW."lead_id", NEW."employee_id", NEW."user_id",
          jsonb_build_object('id', NEW."id", 'category', NEW."category", 'title', NEW."title", 'body', NEW."body", 'leadId', NEW."lead_id", 'createdAt', NEW."created_at"));
  PERFORM pg_notify('stream_event', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER "notification_stream" AFTER INSERT ON "notification" FOR EACH ROW EXECUTE FUNCTION stream_notification();
