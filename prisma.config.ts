import { defineConfig } from 'prisma/config';

// The CLI reads the database URL from here (Prisma 7 keeps it out of schema.prisma).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/leadflow' },
});
