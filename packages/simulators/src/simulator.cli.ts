#!/usr/bin/env node
// `pnpm simulator`: the local Graph + TikTok lead APIs, as `pnpm start` runs them in demo mode.
import { ConfigError, loadConfig, loadEnvFile } from '@leadflow/config';
import { BigQuerySimulator } from './bigquery-simulator.js';
import { Ga4Simulator } from './ga4-simulator.js';
import { MetaConversionsSimulator } from './meta-conversions-simulator.js';
import { OdooSimulator } from './odoo-simulator.js';
import { PlatformSimulator } from './platform-simulator.js';
import { SmtpSimulator } from './smtp-simulator.js';

async function main(): Promise<void> {
  loadEnvFile();
  const { config, demoVariables } = loadConfig();
  const log = (msg: string) => console.log(JSON.stringify({ level: 30, app: 'platform-simulator', msg }));
  const { whatsapp, sheets, odoo, email, ga4, bigquery, metaConversions } = config;
  const googleToken = (credentials: string) => (JSON.parse(credentials) as { access_token?: string }).access_token ?? '';
  // Only the demo's own endpoints: real services configured are left alone.
  const extensions = [
    ga4 && demoVariables.includes('GA4_API_URL') ? new Ga4Simulator({ measurementId: ga4.measurementId, apiSecret: ga4.apiSecret }) : undefined,
    bigquery && demoVariables.includes('BIGQUERY_API_ROOT_URL') ? new BigQuerySimulator({ accessToken: googleToken(bigquery.credentials) }) : undefined,
    // With META_CONVERSIONS_ENABLED on the demo's Graph URL: the stages Meta would receive.
    metaConversions && demoVariables.includes('META_GRAPH_API_URL') ? new MetaConversionsSimulator({ datasetId: metaConversions.datasetId, accessToken: metaConversions.accessToken }) : undefined,
  ].filter((e) => e !== undefined);
  const simulator = new PlatformSimulator({
    extensions,
    port: config.simulator.port,
    host: config.simulator.host,
    metaAccessToken: config.meta.pageAccessToken,
    tiktokAccessToken: config.tiktok.accessToken,
    whatsapp: whatsapp && {
      accessToken: whatsapp.accessToken,
      phoneNumberId: whatsapp.phoneNumberId,
      templates: Object.fromEntries(Object.entries(whatsapp.templates).map(([name, t]) => [name, { languages: t.languages, paramCount: t.params.length }])),
      // Like Meta: each accepted message is followed by signed "sent" and "delivered" webhooks.
      statusWebhook: { url: `${config.simulator.apiUrl}/webhooks/whatsapp`, appSecret: whatsapp.appSecret },
    },
    sheets: sheets && { accessToken: googleToken(sheets.credentials) },
  });
  log(`Graph (leads, WhatsApp, Conversions API), TikTok, Google Sheets, GA4 and BigQuery simulator on ${await simulator.start()}`);
  // Only the demo's own Odoo and SMTP: real ones configured are left alone.
  const odooSim = odoo && demoVariables.includes('ODOO_URL') ? new OdooSimulator({ port: Number(new URL(odoo.url).port), host: config.simulator.host, db: odoo.db, login: odoo.username, apiKey: odoo.apiKey }) : undefined;
  if (odooSim) log(`Odoo XML-RPC simulator on ${await odooSim.start()}`);
  const smtpSim = email && demoVariables.includes('SMTP_URL') ? new SmtpSimulator() : undefined;
  if (smtpSim) log(`SMTP simulator on port ${await smtpSim.start(Number(new URL(email!.smtpUrl).port), config.simulator.host)}`);
  const stop = () => void Promise.all([simulator.stop(), odooSim?.stop(), smtpSim?.stop()]).then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
