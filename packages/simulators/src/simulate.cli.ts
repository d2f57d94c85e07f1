#!/usr/bin/env node
// `pnpm simulate [--count N]`: fires realistic, correctly signed webhooks from Meta, TikTok and
// Snapchat at the running API, seeding the platform simulator with the leads the worker will fetch.
import { ConfigError, loadConfig, loadEnvFile } from '@leadflow/config';
import { fakeMetaLead, fakeSnapchatLead, fakeTikTokLead, metaDelivery } from './demo-leads.js';
import { WebhookSender } from './webhook-sender.js';

function countArg(): number {
  const at = process.argv.indexOf('--count');
  const n = at === -1 ? 1 : Number(process.argv[at + 1]);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new Error('--count must be a whole number from 1 to 10000');
  return n;
}

async function seed(simulatorUrl: string, path: string, body: unknown): Promise<void> {
  const failed = (why: string) =>
    new Error(`could not seed the platform simulator at ${simulatorUrl} (META_GRAPH_API_URL): ${why}. simulate needs it running (\`pnpm start\` runs it in demo mode, or \`pnpm simulator\`).`);
  const res = await fetch(`${simulatorUrl}/_simulator/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).catch(
    (error: Error) => {
      throw failed(error.message);
    },
  );
  if (!res.ok) throw failed(`HTTP ${res.status}`);
}

async function main(): Promise<void> {
  loadEnvFile();
  const { config, demoVariables } = loadConfig();
  const apiUrl = process.env.SIMULATE_API_URL ?? `http://127.0.0.1:${config.port}`;
  // The leads must be fetchable where the workers fetch them: the simulator behind META_GRAPH_API_URL.
  const simulatorUrl = config.meta.graphApiUrl;
  const sender = new WebhookSender({
    apiUrl,
    metaAppSecret: config.meta.appSecret,
    tiktokWebhookToken: config.tiktok.webhookToken,
    snapchatHmacSecret: config.snapchat.hmacSecret,
  });
  const count = countArg();
  const results: Record<string, number> = {};
  const tally = (platform: string, status: number) => {
    const key = `${platform} ${status}`;
    results[key] = (results[key] ?? 0) + 1;
  };
  for (let i = 0; i < count; i++) {
    // Meta batches: one delivery carrying two leadgen changes.
    const metaLeads = [fakeMetaLead(), fakeMetaLead()];
    for (const m of metaLeads) await seed(simulatorUrl, 'meta/leads', { lead: m.lead, form: m.form });
    tally('meta', (await sender.meta(metaDelivery(metaLeads.map((m) => m.change)))).status);

    const tiktok = fakeTikTokLead();
    await seed(simulatorUrl, 'tiktok/leads', { advertiserId: tiktok.advertiserId, lead: tiktok.lead });
    tally('tiktok', (await sender.tiktok(tiktok.notification)).status);

    tally('snapchat', (await sender.snapchat(fakeSnapchatLead())).status);
  }
  console.log(`sent ${count * 3} webhooks (${count * 4} leads) to ${apiUrl}:`, results);
  const key = demoVariables.includes('ADMIN_API_KEY') ? config.adminApiKey : '$ADMIN_API_KEY';
  console.log(`see them: curl -H "Authorization: Bearer ${key}" ${apiUrl}/crm/leads`);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : (error as Error).message);
  process.exit(1);
});
