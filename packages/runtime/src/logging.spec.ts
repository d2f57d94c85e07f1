import { describe, expect, it } from '@jest/globals';
import type { AppConfig } from '@leadflow/config';
import pino from 'pino';
import { loggerParams, maskPersonalData, redactUrl } from './logging.js';

describe('what reaches the logs', () => {
  it('masks emails and phone numbers in free text', () => {
    expect(maskPersonalData('WhatsApp refused +966551234567: not a WhatsApp user')).toBe('WhatsApp refused +••••••••••67: not a WhatsApp user');
    expect(maskPersonalData('Odoo: duplicate partner sara.alharbi@example.com')).toBe('Odoo: duplicate partner s***@example.com');
    expect(maskPersonalData('/crm/leads?q=0551234567')).toBe('/crm/leads?q=••••••••67');
    expect(maskPersonalData('call 050 123 4567 today')).toBe('call ••• ••• ••67 today');
  });

  it('leaves ids, dates, times and counts alone', () => {
    const text = 'lead 3f1c2a90-1234-4bcd-8123-123456789012 at 2026-11-21 09:30:05, job run-sync:20261121, 1500 rows in 12 ms';
    expect(maskPersonalData(text)).toBe(text);
  });

  it('masks personal fields and message text in what the service logs, and redacts secrets', () => {
    const lines: string[] = [];
    const { redact, hooks } = loggerParams({ logLevel: 'info' } as AppConfig, 'worker').pinoHttp as pino.LoggerOptions;
    const logger = pino({ redact, hooks }, { write: (line: string) => lines.push(line) });
    logger.info({ lead: { fullName: 'سارة الحربي', phone: '+966551234567', email: 'sara@example.com', status: 'new' } }, 'WhatsApp refused +966551234567 (sara@example.com)');
    logger.info({ req: { headers: { authorization: 'Bearer s3cret' } } }, 'request');
    const [first, second] = lines.map((line) => JSON.parse(line));
    expect(first.lead).toEqual({ fullName: 'س***', phone: '+••••••••••67', email: 's***@example.com', status: 'new' });
    expect(first.msg).toBe('WhatsApp refused +••••••••••67 (s***@example.com)');
    expect(second.req.headers.authorization).toBe('[Redacted]');
    expect(lines.join('')).not.toMatch(/551234567|sara@|الحربي|s3cret/);
  });

  it('redacts secrets in query strings', () => {
    expect(redactUrl('/webhooks/tiktok?token=s3cret&x=1')).toBe('/webhooks/tiktok?token=%5BRedacted%5D&x=1');
  });
});
