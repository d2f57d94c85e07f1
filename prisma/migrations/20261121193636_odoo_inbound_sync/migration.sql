-- AlterTable
ALTER TABLE "lead" ADD COLUMN     "odoo_state" JSONB;

-- CreateIndex
CREATE INDEX "lead_odoo_lead_id_idx" ON "lead"("odoo_lead_id");
