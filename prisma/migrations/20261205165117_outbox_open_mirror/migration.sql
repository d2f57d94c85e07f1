-- AlterTable
ALTER TABLE "outbox_message" ADD COLUMN     "finished_at" TIMESTAMPTZ(3);

-- Status mirrors already handed to the queue were run by workers that did not record it: taken as
-- done, so the lost-job sweep does not publish them all again after the upgrade.
UPDATE "outbox_message" SET "finished_at" = "published_at" WHERE "job_name" = 'sync-status' AND "published_at" IS NOT NULL;

-- CreateIndex
CREATE INDEX "outbox_message_open_mirror_idx" ON "outbox_message"("id") WHERE (job_name = 'sync-status' AND finished_at IS NULL);
