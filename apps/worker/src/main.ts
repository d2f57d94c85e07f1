import { ConfigError, loadConfig, loadEnvFile } from '@leadflow/config';
import { Logger } from 'nestjs-pino';
import { createWorkerApp } from './create-worker-app.js';

async function main(): Promise<void> {
  loadEnvFile();
  const loaded = loadConfig();
  const app = await createWorkerApp(loaded);
  const logger = app.get(Logger);
  if (loaded.demoVariables.length) logger.warn(`demo mode: ${loaded.demoVariables.join(', ')} use demo values`);
  logger.log('worker started');
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
