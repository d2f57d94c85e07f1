-- Written by hand (Prisma does not model triggers): a transaction that writes outbox rows wakes
-- the workers' outbox relays when it commits (one notification per transaction).
CREATE FUNCTION notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('outbox_message', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER "outbox_message_wakeup" AFTER INSERT ON "outbox_message" FOR EACH STATEMENT EXECUTE FUNCTION notify_outbox();
