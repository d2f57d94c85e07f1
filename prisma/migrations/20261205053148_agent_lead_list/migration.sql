-- (Comment added by hand.) An agent's list — their scope is their own leads — and any list filtered
-- by one person, newest first. Without it Postgres walked every lead by time to find one person's
-- page (0.6 s on a million leads when few of theirs matched) or sorted all of theirs. It replaces
-- (assignee, contacted at), which served routing's per-decision open-lead count (now kept on the
-- employee by triggers): one index less to write on every lead change.

-- DropIndex
DROP INDEX "lead_assignee_id_contacted_at_idx";

-- CreateIndex
CREATE INDEX "lead_assignee_id_received_at_id_idx" ON "lead"("assignee_id", "received_at" DESC, "id" DESC);
