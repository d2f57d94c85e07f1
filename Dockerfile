# One image for every process of the service: migrate, api, worker and the demo simulator differ
# only by their command (see docker-compose.yml).
FROM node:22-bookworm-slim AS build
WORKDIR /app
RUN npm install -g pnpm@10
# Manifests first so dependency layers are cached across source changes.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY apps/api/package.json apps/api/
COPY apps/worker/package.json apps/worker/
COPY packages/api-client/package.json packages/api-client/
COPY packages/application/package.json packages/application/
COPY packages/config/package.json packages/config/
COPY packages/contracts/package.json packages/contracts/
COPY packages/db/package.json packages/db/
COPY packages/domain/package.json packages/domain/
COPY packages/queue/package.json packages/queue/
COPY packages/runtime/package.json packages/runtime/
COPY packages/simulators/package.json packages/simulators/
COPY packages/integrations/bigquery/package.json packages/integrations/bigquery/
COPY packages/integrations/common/package.json packages/integrations/common/
COPY packages/integrations/email/package.json packages/integrations/email/
COPY packages/integrations/ga4/package.json packages/integrations/ga4/
COPY packages/integrations/meta/package.json packages/integrations/meta/
COPY packages/integrations/odoo/package.json packages/integrations/odoo/
COPY packages/integrations/sheets/package.json packages/integrations/sheets/
COPY packages/integrations/snapchat/package.json packages/integrations/snapchat/
COPY packages/integrations/tiktok/package.json packages/integrations/tiktok/
COPY packages/integrations/whatsapp/package.json packages/integrations/whatsapp/
# postinstall generates the Prisma client from the schema.
COPY prisma prisma
COPY prisma.config.ts ./
COPY scripts/prisma-generate.mjs scripts/
RUN pnpm install --frozen-lockfile
COPY . .
RUN pnpm build

FROM node:22-bookworm-slim
ENV NODE_ENV=production
# As scripts/node-flags.mjs: a larger young generation, fewer scavenges per request and job.
ENV NODE_OPTIONS=--max-semi-space-size=32
WORKDIR /app
COPY --from=build /app /app
USER node
EXPOSE 3000
CMD ["node", "--enable-source-maps", "apps/api/dist/main.js"]
