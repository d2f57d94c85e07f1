-- CreateIndex
CREATE INDEX "outbox_message_created_brin" ON "outbox_message" USING BRIN ("created_at");
