-- Hand-written: the leads list searches a part of a name, phone or email (`ILIKE '%…%'`); on a
-- million leads that walked the whole table (~3 s). Trigram indexes find the matches directly.
-- pg_trgm ships with Postgres and is a trusted extension (the database owner may create it).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateIndex
CREATE INDEX "lead_full_name_trgm" ON "lead" USING GIN ("full_name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "lead_phone_trgm" ON "lead" USING GIN ("phone" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "lead_email_trgm" ON "lead" USING GIN ("email" gin_trgm_ops);
