-- (Comment added by hand.) An agent's list — their scope is their own leads — and any list filtered
-- by one person, newest first. Without it Postgres walked every lead by time to find one person's
-- page (0.6 s on a million leads when few of theirs matched) or sorted all of theirs.
-- CreateIndex
CREATE INDEX "lead_assignee_id_received_at_id_idx" ON "lead"("assignee_id", "received_at" DESC, "id" DESC);
