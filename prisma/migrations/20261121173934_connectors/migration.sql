-- AlterTable
ALTER TABLE "lead" ADD COLUMN     "odoo_lead_id" INTEGER;

-- CreateTable
CREATE TABLE "whatsapp_message" (
    "wamid" TEXT NOT NULL,
    "lead_id" UUID NOT NULL,
    "action_run_id" UUID,
    "generation" INTEGER NOT NULL DEFAULT 1,
    "to" TEXT NOT NULL,
    "template" TEXT,
    "language" TEXT,
    "status" TEXT NOT NULL DEFAULT 'accepted',
    "status_at" TIMESTAMPTZ(3),
    "error_code" INTEGER,
    "error_title" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "whatsapp_message_pkey" PRIMARY KEY ("wamid")
);

-- CreateIndex
CREATE INDEX "whatsapp_message_action_run_id_generation_idx" ON "whatsapp_message"("action_run_id", "generation");

-- CreateIndex
CREATE INDEX "whatsapp_message_lead_id_idx" ON "whatsapp_message"("lead_id");

-- AddForeignKey
ALTER TABLE "whatsapp_message" ADD CONSTRAINT "whatsapp_message_lead_id_fkey" FOREIGN KEY ("lead_id") REFERENCES "lead"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "whatsapp_message" ADD CONSTRAINT "whatsapp_message_action_run_id_fkey" FOREIGN KEY ("action_run_id") REFERENCES "action_run"("id") ON DELETE SET NULL ON UPDATE CASCADE;
