-- CreateEnum
CREATE TYPE "RoutingState" AS ENUM ('unrouted', 'queued', 'assigned');

-- CreateEnum
CREATE TYPE "AssignmentStrategy" AS ENUM ('round_robin', 'least_loaded', 'weighted', 'fixed');

-- CreateEnum
CREATE TYPE "ActionRunStatus" AS ENUM ('pending', 'running', 'done', 'failed', 'dead');

-- AlterTable
ALTER TABLE "contact" ADD COLUMN     "language" TEXT,
ADD COLUMN     "region" TEXT;

-- AlterTable
ALTER TABLE "lead" ADD COLUMN     "assigned_at" TIMESTAMPTZ(3),
ADD COLUMN     "assignee_id" UUID,
ADD COLUMN     "branch_id" UUID,
ADD COLUMN     "contacted_at" TIMESTAMPTZ(3),
ADD COLUMN     "escalation_step" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "language" TEXT,
ADD COLUMN     "next_sla_check_at" TIMESTAMPTZ(3),
ADD COLUMN     "queue_timed_out_at" TIMESTAMPTZ(3),
ADD COLUMN     "queued_at" TIMESTAMPTZ(3),
ADD COLUMN     "region" TEXT,
ADD COLUMN     "routing_state" "RoutingState" NOT NULL DEFAULT 'unrouted',
ADD COLUMN     "sla_breached_at" TIMESTAMPTZ(3),
ADD COLUMN     "sla_due_at" TIMESTAMPTZ(3),
ADD COLUMN     "team_id" UUID;

-- AlterTable
ALTER TABLE "outbox_message" ADD COLUMN     "run_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "branch" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "city" TEXT,
    "region" TEXT,
    "country" TEXT,
    "timezone" TEXT NOT NULL DEFAULT 'Asia/Riyadh',
    "working_hours" JSONB NOT NULL,
    "holidays" JSONB NOT NULL DEFAULT '[]',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "branch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "team" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "branch_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "products" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "sla_minutes" INTEGER,
    "escalation" JSONB NOT NULL DEFAULT '[]',
    "manager_id" UUID,
    "fallback_team_id" UUID,
    "queue_timeout_minutes" INTEGER,
    "odoo_team_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "team_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "employee" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "team_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "phone" TEXT,
    "languages" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "products" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "active" BOOLEAN NOT NULL DEFAULT true,
    "capacity" INTEGER NOT NULL DEFAULT 20,
    "weight" INTEGER NOT NULL DEFAULT 1,
    "time_off" JSONB NOT NULL DEFAULT '[]',
    "odoo_user_id" INTEGER,
    "last_assigned_at" TIMESTAMPTZ(3),
    "assigned_total" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "employee_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "routing_rule" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "is_default" BOOLEAN NOT NULL DEFAULT false,
    "conditions" JSONB NOT NULL DEFAULT '[]',
    "branch_id" UUID,
    "team_id" UUID,
    "strategy" "AssignmentStrategy" NOT NULL DEFAULT 'round_robin',
    "employee_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "routing_rule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "automation" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "trigger" TEXT NOT NULL,
    "from_status" TEXT,
    "to_status" TEXT,
    "conditions" JSONB NOT NULL DEFAULT '[]',
    "actions" JSONB NOT NULL,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "automation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "action_run" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "lead_id" UUID NOT NULL,
    "automation_id" UUID NOT NULL,
    "action_key" TEXT NOT NULL,
    "action_type" TEXT NOT NULL,
    "params" JSONB NOT NULL DEFAULT '{}',
    "status" "ActionRunStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "max_attempts" INTEGER NOT NULL,
    "last_error" TEXT,
    "external_id" TEXT,
    "result" JSONB,
    "dispatch" INTEGER NOT NULL DEFAULT 1,
    "generation" INTEGER NOT NULL DEFAULT 1,
    "lease_until" TIMESTAMPTZ(3),
    "scheduled_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "action_run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "employee_id" UUID NOT NULL,
    "category" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "lead_id" UUID,
    "action_run_id" UUID,
    "dedupe_key" TEXT,
    "read_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "branch_name_key" ON "branch"("name");

-- CreateIndex
CREATE UNIQUE INDEX "team_branch_id_name_key" ON "team"("branch_id", "name");

-- CreateIndex
CREATE INDEX "employee_team_id_idx" ON "employee"("team_id");

-- CreateIndex
CREATE INDEX "routing_rule_position_idx" ON "routing_rule"("position");

-- CreateIndex
CREATE INDEX "automation_trigger_enabled_idx" ON "automation"("trigger", "enabled");

-- CreateIndex
CREATE INDEX "action_run_status_updated_at_idx" ON "action_run"("status", "updated_at");

-- CreateIndex
CREATE UNIQUE INDEX "action_run_lead_id_automation_id_action_key_key" ON "action_run"("lead_id", "automation_id", "action_key");

-- CreateIndex
CREATE UNIQUE INDEX "notification_dedupe_key_key" ON "notification"("dedupe_key");

-- CreateIndex
CREATE INDEX "notification_employee_id_created_at_idx" ON "notification"("employee_id", "created_at");

-- CreateIndex
CREATE INDEX "lead_routing_state_queued_at_idx" ON "lead"("routing_state", "queued_at");

-- CreateIndex
CREATE INDEX "lead_assignee_id_contacted_at_idx" ON "lead"("assignee_id", "contacted_at");

-- CreateIndex
CREATE INDEX "lead_sla_check_idx" ON "lead"("next_sla_check_at") WHERE (next_sla_check_at IS NOT NULL);

-- AddForeignKey
ALTER TABLE "lead" ADD CONSTRAINT "lead_branch_id_fkey" FOREIGN KEY ("branch_id") REFERENCES "branch"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lead" ADD CONSTRAINT "lead_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "team"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lead" ADD CONSTRAINT "lead_assignee_id_fkey" FOREIGN KEY ("assignee_id") REFERENCES "employee"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "team" ADD CONSTRAINT "team_branch_id_fkey" FOREIGN KEY ("branch_id") REFERENCES "branch"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "team" ADD CONSTRAINT "team_fallback_team_id_fkey" FOREIGN KEY ("fallback_team_id") REFERENCES "team"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "employee" ADD CONSTRAINT "employee_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "team"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "routing_rule" ADD CONSTRAINT "routing_rule_branch_id_fkey" FOREIGN KEY ("branch_id") REFERENCES "branch"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "routing_rule" ADD CONSTRAINT "routing_rule_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "team"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "routing_rule" ADD CONSTRAINT "routing_rule_employee_id_fkey" FOREIGN KEY ("employee_id") REFERENCES "employee"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "action_run" ADD CONSTRAINT "action_run_lead_id_fkey" FOREIGN KEY ("lead_id") REFERENCES "lead"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "action_run" ADD CONSTRAINT "action_run_automation_id_fkey" FOREIGN KEY ("automation_id") REFERENCES "automation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification" ADD CONSTRAINT "notification_employee_id_fkey" FOREIGN KEY ("employee_id") REFERENCES "employee"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification" ADD CONSTRAINT "notification_action_run_id_fkey" FOREIGN KEY ("action_run_id") REFERENCES "action_run"("id") ON DELETE SET NULL ON UPDATE CASCADE;
