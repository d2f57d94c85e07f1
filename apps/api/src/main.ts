import { ConfigError, loadConfig, loadEnvFile } from '@leadflow/config';
import { Logger } from 'nestjs-pino';
import { createApiApp } from './bootstrap/create-api-app.js';

async function main(): Promise<void> {
  loadEnvFile();
  const loaded = loadConfig();
  const app = await createApiApp(loaded);
  const logger = app.get(Logger);
  if (loaded.demoVariables.length) {
    logger.warn(`demo mode: ${loaded.demoVariables.join(', ')} use demo values; set them to talk to the real platforms`);
  }
  await app.listen({ port: loaded.config.port, host: '0.0.0.0' });
  logger.log(`API listening on http://127.0.0.1:${loaded.config.port} (docs at /docs)`);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
