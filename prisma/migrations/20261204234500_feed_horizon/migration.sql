-- Written by hand (Prisma does not model functions). The feeds in transaction order (the live-update
-- relay, the BigQuery export, GA4 forwarding) read only rows that no running transaction can still
-- overtake: rows of transactions older than every one in progress. pg_snapshot_xmin counts the
-- transactions of every database on the server, so a long write in another database held the feeds
-- back for as long as it ran. A transaction of another database cannot write here: it is left out.
-- One that cannot be placed (it ended since the snapshot, is a prepared transaction, or runs in a
-- session this role may not see) still counts.
CREATE FUNCTION feed_horizon() RETURNS xid8 LANGUAGE plpgsql STABLE AS $$
DECLARE
  snapshot pg_snapshot := pg_current_snapshot();
  here oid := (SELECT oid FROM pg_database WHERE datname = current_database());
  horizon xid8;
BEGIN
  SELECT min(running) INTO horizon
  FROM pg_snapshot_xip(snapshot) AS running
  WHERE NOT EXISTS (
    SELECT 1 FROM pg_stat_activity elsewhere
    WHERE elsewhere.datid <> here
      AND elsewhere.backend_xid::text::bigint = (running::text::numeric % 4294967296)::bigint);
  RETURN coalesce(horizon, pg_snapshot_xmax(snapshot));
END
$$;
