#!/usr/bin/env node
// Answers whether the Postgres and Redis the service is configured for accept connections.
// Usage: node scripts/services.mjs [--wait <seconds>]   (exit 0 when both answer)
import { existsSync } from 'node:fs';
import { connect } from 'node:net';

if (existsSync('.env')) process.loadEnvFile('.env');
const targets = [
  ['Postgres', process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/leadflow', 5432],
  ['Redis', process.env.REDIS_URL || 'redis://127.0.0.1:6379', 6379],
].map(([name, url, port]) => {
  const parsed = new URL(url);
  return { name, host: parsed.hostname || '127.0.0.1', port: Number(parsed.port || port) };
});

const answers = ({ host, port }) =>
  new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1000 });
    const answer = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => answer(true));
    socket.once('error', () => answer(false));
    socket.once('timeout', () => answer(false));
  });

const waitAt = process.argv.indexOf('--wait');
const deadline = Date.now() + (waitAt === -1 ? 0 : Number(process.argv[waitAt + 1]) * 1000);
for (;;) {
  const down = [];
  for (const target of targets) if (!(await answers(target))) down.push(target);
  if (down.length === 0) process.exit(0);
  if (Date.now() >= deadline) {
    for (const t of down) console.error(`${t.name} does not answer on ${t.host}:${t.port}`);
    process.exit(1);
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
}
