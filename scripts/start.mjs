#!/usr/bin/env node
// `pnpm start`: API + worker in one terminal (the demo). In demo mode, also the local platform
// simulator that answers the workers' Graph/TikTok lead fetches. Stops everything on Ctrl-C,
// and everything if one part dies, so a half-running service never looks healthy.
import { ConfigError, loadConfig, loadEnvFile } from '@leadflow/config';
import { spawn } from 'node:child_process';
import { SERVICE_NODE_FLAGS } from './node-flags.mjs';

loadEnvFile();
let demoVariables;
try {
  ({ demoVariables } = loadConfig());
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
const SIMULATED = ['META_GRAPH_API_URL', 'TIKTOK_API_URL', 'WHATSAPP_API_URL', 'GOOGLE_API_ROOT_URL', 'ODOO_URL', 'SMTP_URL'];
const simulatorNeeded = SIMULATED.some((name) => demoVariables.includes(name));
const parts = [
  ['api', [...SERVICE_NODE_FLAGS, 'apps/api/dist/main.js']],
  ['worker', [...SERVICE_NODE_FLAGS, 'apps/worker/dist/main.js']],
  ...(simulatorNeeded ? [['simulator', ['--enable-source-maps', 'packages/simulators/dist/simulator.cli.js']]] : []),
];

const children = parts.map(([name, args]) => {
  const child = spawn(process.execPath, args, { stdio: 'inherit', env: process.env });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} exited (${signal ?? code}); stopping the others`);
      stop(code || 1);
    }
  });
  return child;
});

let stopping = false;
function stop(code) {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  Promise.all(children.map((child) => (child.exitCode !== null ? null : new Promise((resolve) => child.once('exit', resolve))))).then(() => process.exit(code));
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
