-- AlterTable
ALTER TABLE "contact" ADD COLUMN     "whatsapp_last_inbound_at" TIMESTAMPTZ(3),
ADD COLUMN     "whatsapp_opted_out_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "whatsapp_message" ADD COLUMN     "body" TEXT,
ADD COLUMN     "direction" TEXT NOT NULL DEFAULT 'outbound',
ADD COLUMN     "from" TEXT,
ADD COLUMN     "media" JSONB,
ADD COLUMN     "payload" TEXT,
ADD COLUMN     "referral" JSONB,
ADD COLUMN     "reply_to" TEXT,
ADD COLUMN     "type" TEXT NOT NULL DEFAULT 'template';
