-- CreateIndex
CREATE INDEX "stream_event_tx_id_idx" ON "stream_event"("tx", "id");
