import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { ConfigError, loadConfig } from './app-config.js';
import { VARIABLES } from './variables.js';

const REAL = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgresql://app:pw@db:5432/leadflow',
  REDIS_URL: 'redis://redis:6379',
  ADMIN_API_KEY: 'a-very-long-admin-key',
  META_APP_SECRET: 's',
  META_VERIFY_TOKEN: 'v',
  META_PAGE_ACCESS_TOKEN: 'EAAB...',
  TIKTOK_WEBHOOK_TOKEN: 't',
  TIKTOK_ACCESS_TOKEN: 'a',
  SNAPCHAT_HMAC_SECRET: 'h',
  JWT_SECRET: 'a-real-secret-of-at-least-32-characters',
};

describe('loadConfig', () => {
  it('runs on demo defaults with no environment at all, and says which', () => {
    const { config, demoVariables } = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.defaultPhoneRegion).toBe('SA');
    expect(config.meta.graphApiUrl).toBe('http://127.0.0.1:4010');
    expect(config.tiktok.apiUrl).toBe('http://127.0.0.1:4010');
    expect(demoVariables).toEqual(expect.arrayContaining(['ADMIN_API_KEY', 'META_APP_SECRET', 'META_GRAPH_API_URL', 'SNAPCHAT_HMAC_SECRET']));
  });

  it('talks to the real platforms once real credentials are set', () => {
    const { config, demoVariables } = loadConfig(REAL);
    expect(config.meta.graphApiUrl).toBe('https://graph.facebook.com');
    expect(config.tiktok.apiUrl).toBe('https://business-api.tiktok.com');
    expect(config.meta.graphApiVersion).toBe('v21.0');
    expect(demoVariables).toEqual([]);
  });

  it('uses the real Graph API as soon as a real page token is set outside production', () => {
    expect(loadConfig({ META_PAGE_ACCESS_TOKEN: 'EAAB...' }).config.meta.graphApiUrl).toBe('https://graph.facebook.com');
  });

  it('points demo URLs at another host for containers, and leaves URLs that were set alone', () => {
    const { config } = loadConfig({ DEMO_SIMULATOR_HOST: 'simulator', TIKTOK_API_URL: 'http://127.0.0.1:9999', SIMULATOR_API_URL: 'http://api:3000' });
    expect(config.meta.graphApiUrl).toBe('http://simulator:4010');
    expect(config.odoo?.url).toBe('http://simulator:8069');
    expect(config.email?.smtpUrl).toBe('smtp://simulator:2525');
    expect(config.tiktok.apiUrl).toBe('http://127.0.0.1:9999');
    expect(config.simulator.apiUrl).toBe('http://api:3000');
    expect(loadConfig({ PORT: '8080' }).config.simulator.apiUrl).toBe('http://127.0.0.1:8080');
  });

  it('fails fast in production naming every missing secret', () => {
    const { META_APP_SECRET: _a, TIKTOK_ACCESS_TOKEN: _b, ...partial } = REAL;
    expect(() => loadConfig(partial)).toThrow(ConfigError);
    try {
      loadConfig(partial);
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        expect.stringMatching(/^META_APP_SECRET is required in production/),
        expect.stringMatching(/^TIKTOK_ACCESS_TOKEN is required in production/),
      ]);
    }
  });

  it("sends CRM stages to Meta's Conversions API only behind its flag, and then needs the dataset and its token", () => {
    expect(loadConfig(REAL).config.metaConversions).toBeUndefined();
    expect(loadConfig({}).config.metaConversions).toBeUndefined();
    expect(() => loadConfig({ ...REAL, META_CONVERSIONS_ENABLED: 'true' })).toThrow(
      /META_DATASET_ID is required to use Meta's Conversions API \(META_CONVERSIONS_ENABLED is true\)\n.*META_CONVERSIONS_ACCESS_TOKEN is required/,
    );
    // Outside production with a real page token, the demo dataset is not sent to the real Graph API.
    expect(() => loadConfig({ META_PAGE_ACCESS_TOKEN: 'EAAB...', META_CONVERSIONS_ENABLED: 'true' })).toThrow(/META_DATASET_ID is required/);
    expect(loadConfig({ ...REAL, META_CONVERSIONS_ENABLED: 'true', META_DATASET_ID: '123456789', META_CONVERSIONS_ACCESS_TOKEN: 'EAAC...' }).config.metaConversions).toEqual({
      graphApiUrl: 'https://graph.facebook.com',
      version: 'v21.0',
      datasetId: '123456789',
      accessToken: 'EAAC...',
      eventNames: { received: 'Lead', contacted: 'Contacted', qualified: 'Qualified', won: 'Converted', lost: 'Lost' },
      leadEventSource: 'LeadFlow',
      testEventCode: undefined,
    });
    expect(loadConfig({ META_CONVERSIONS_ENABLED: 'true' }).config.metaConversions).toMatchObject({ graphApiUrl: 'http://127.0.0.1:4010', datasetId: '7100000000000001' });
    expect(() => loadConfig({ META_CONVERSIONS_ENABLED: 'true', META_DATASET_ID: 'pixel-1', META_CONVERSIONS_EVENT_NAMES: '{"closed":"Won"}' })).toThrow(
      /META_DATASET_ID: must be the numeric dataset id\n.*META_CONVERSIONS_EVENT_NAMES/,
    );
  });

  it('names each invalid value', () => {
    expect(() => loadConfig({ PORT: 'eighty', DEFAULT_PHONE_REGION: 'Saudi', DATABASE_URL: 'mysql://x', META_GRAPH_API_VERSION: '21' })).toThrow(
      /PORT: .*\n.*DATABASE_URL: must be a postgres: or postgresql: URL\n.*DEFAULT_PHONE_REGION: must be an ISO 3166-1 alpha-2 country code\n.*META_GRAPH_API_VERSION: must look like v21.0/,
    );
  });

  it('documents every variable in .env.example', () => {
    const example = readFileSync(new URL('../../../.env.example', import.meta.url), 'utf8');
    const documented = new Set([...example.matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]));
    expect([...Object.keys(VARIABLES)].filter((name) => !documented.has(name))).toEqual([]);
    expect([...documented].filter((name) => !(name! in VARIABLES))).toEqual([]);
  });
});
