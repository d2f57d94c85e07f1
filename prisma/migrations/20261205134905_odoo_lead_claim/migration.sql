-- CreateTable
CREATE TABLE "odoo_lead_claim" (
    "lead_id" UUID NOT NULL,
    "skip_search" BOOLEAN NOT NULL DEFAULT true,
    "claimed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "odoo_lead_claim_pkey" PRIMARY KEY ("lead_id")
);

-- AddForeignKey
ALTER TABLE "odoo_lead_claim" ADD CONSTRAINT "odoo_lead_claim_lead_id_fkey" FOREIGN KEY ("lead_id") REFERENCES "lead"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The Odoo executors' per-lead lock, then — read after it is granted — the stored Odoo id and
-- whether the claimant may still create without searching (null: no claim). The same advisory key
-- as odoo_sync_lock, which stays for workers of the previous version until they are gone.
CREATE FUNCTION odoo_lead_lock(lead uuid) RETURNS TABLE (odoo_lead_id integer, skip_search boolean) LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('odoo-sync:' || lead::text, 0));
  RETURN QUERY SELECT l."odoo_lead_id", c."skip_search" FROM "lead" l LEFT JOIN "odoo_lead_claim" c ON c."lead_id" = l."id" WHERE l."id" = lead;
END
$$;
