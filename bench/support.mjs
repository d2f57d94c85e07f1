// Shared by the benchmarks: a database of their own, the service's real processes, figures.
import { applyMigrations, ensureDatabaseExists } from '@leadflow/db';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import pg from 'pg';

export const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};

const BASE = process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A fresh, migrated database named `name` (dropped first). */
export async function freshDatabase(name) {
  const url = new URL(BASE);
  url.pathname = `/${name}`;
  const admin = new pg.Client({ connectionString: BASE });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
  await ensureDatabaseExists(url.toString());
  await applyMigrations(url.toString(), { schemaPath: resolve('prisma/schema.prisma'), migrationsDir: resolve('prisma/migrations') });
  return url.toString();
}

/** Starts a node process of the service (or a helper) and resolves once `ready()` says so. */
export async function startProcess(name, entry, env, ready, nodeArgs = []) {
  const child = spawn(process.execPath, [...nodeArgs, entry], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
  child.stderr.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
  const exited = new Promise((_, reject) => child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before it was ready:\n${output}`))));
  const deadline = Date.now() + 60_000;
  await Promise.race([
    exited,
    (async () => {
      while (!(await ready(() => output).catch(() => false))) {
        if (Date.now() > deadline) throw new Error(`${name} not ready after 60 s:\n${output}`);
        await sleep(100);
      }
    })(),
  ]);
  child.removeAllListeners('exit');
  return {
    child,
    output: () => output,
    rssMb: () => rssMb(child.pid),
    cpuSeconds: () => cpuSeconds(child.pid),
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((done) => child.once('exit', done));
    },
  };
}

export const httpReady = (url) => async () => (await fetch(url)).ok;
export const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/** Resident memory of a process, in MiB (Linux). */
export function rssMb(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Math.round(Number(line.split(/\s+/)[1]) / 1024);
}

/** CPU time (user + system) a process has used so far, in seconds (Linux). */
export function cpuSeconds(pid) {
  try {
    // Fields after the command name (which may hold spaces); utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0; // gone meanwhile
  }
}
const CLOCK_TICKS = 100;

/** CPU seconds of every running process with this name (Postgres backends, redis-server). */
export function cpuSecondsOf(command) {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === command) total += cpuSeconds(pid);
    } catch {
      // exited while we looked
    }
  }
  return total;
}

/** Nearest-rank percentile of numbers. */
export function percentile(values, p) {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const fmt = (n, digits = 0) => Number(n).toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
