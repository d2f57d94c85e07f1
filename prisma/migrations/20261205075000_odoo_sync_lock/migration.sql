-- The Odoo executors' per-lead lock and their read of the stored Odoo id in one call. A VOLATILE
-- PL/pgSQL function reads with a snapshot taken after the lock is granted, so it sees the id the
-- previous holder committed (the same statement outside a function would read with the snapshot
-- it started with, before waiting). No row when the lead does not exist.
CREATE FUNCTION odoo_sync_lock(lead uuid) RETURNS TABLE (odoo_lead_id integer) LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('odoo-sync:' || lead::text, 0));
  RETURN QUERY SELECT l."odoo_lead_id" FROM "lead" l WHERE l."id" = lead;
END
$$;
