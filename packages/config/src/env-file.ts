import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Reads `.env` from the working directory when there is one. Variables already set in the
 * environment win, so a deployment's real settings are never overridden by a stray file.
 */
export function loadEnvFile(path = resolve('.env')): boolean {
  if (!existsSync(path)) return false;
  process.loadEnvFile(path);
  return true;
}
