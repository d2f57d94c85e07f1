import type { AppConfig } from '@leadflow/config';
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Params } from 'nestjs-pino';

// Secrets travel in these headers and query parameters; they must never reach a log line.
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-hub-signature-256"]',
  'req.headers["x-hub-signature"]',
  'req.headers.signature',
  'req.headers["access-token"]',
  'req.headers.cookie',
];
const SECRET_QUERY_PARAMS = ['token', 'hub.verify_token', 'access_token'];
// Personal data in logged objects (a lead, a contact, an Odoo or WhatsApp payload): masked, not dropped.
const PERSONAL_KEYS = ['fullName', 'firstName', 'lastName', 'contactName', 'contact_name', 'profileName', 'phone', 'mobile', 'email', 'email_from', 'wa_id'];
const PERSONAL_PATHS = PERSONAL_KEYS.flatMap((key) => [key, `*.${key}`]);

const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})/g;
// A phone number: 8–15 digits, maybe with + or 00 and single spaces; never part of an id, a date or a time.
const PHONE = /(?<![\w:./-])(?:\+|00)?\d(?: ?\d){7,14}(?![\w/-])/g;

/**
 * Masks emails and phone numbers in free text (log messages, error texts from outside systems,
 * search URLs): `sara@example.com` → `s***@example.com`, `+966551234567` → `+••••••••••67`.
 */
export function maskPersonalData(text: string): string {
  return text.replace(EMAIL, '$1***@$2').replace(PHONE, (phone) => phone.replace(/\d(?=(?: ?\d){2})/g, '•'));
}

/** A personal value in a logged object: its shape kept, its content not. */
function maskValue(value: unknown): unknown {
  if (typeof value !== 'string' || value === '') return value;
  const masked = maskPersonalData(value);
  return masked !== value ? masked : `${value.slice(0, 1)}***`;
}

/**
 * The request id: the caller's `x-request-id` when it is a sane one (a load balancer's), else a new
 * one, written back to the header so the HTTP server and the request logger agree on it.
 */
export function requestIdOf(req: Pick<IncomingMessage, 'headers'>): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
  req.headers['x-request-id'] = id;
  return id;
}

/** `/webhooks/tiktok?token=s3cret` → `/webhooks/tiktok?token=[Redacted]` */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const name of SECRET_QUERY_PARAMS) if (params.has(name)) params.set(name, '[Redacted]');
  return `${url.slice(0, q)}?${params.toString()}`;
}

/**
 * JSON logs on stdout, one line per request (health checks and scrapes excepted). Every line of a
 * request carries its `req.id` (the `x-request-id` given or made, echoed in the response); worker
 * lines carry the job and the lead they are about (JobHandlerRegistry). Secrets are redacted,
 * personal data (phones, emails, names) masked — in fields and in message text.
 */
export function loggerParams(config: AppConfig, app: 'api' | 'worker'): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      base: { app },
      genReqId: requestIdOf,
      redact: {
        paths: [...REDACTED_PATHS, ...PERSONAL_PATHS],
        // Secrets (the request's headers) go; personal values are masked, keeping their shape.
        censor: (value, path) => (path[0] === 'req' ? '[Redacted]' : maskValue(value)),
      },
      hooks: {
        // Message text: error messages of outside systems quote numbers and addresses.
        logMethod(args, method) {
          method.apply(this, args.map((arg) => (typeof arg === 'string' ? maskPersonalData(arg) : arg)) as Parameters<typeof method>);
        },
      },
      autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') || (req.url ?? '').startsWith('/metrics') },
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: maskPersonalData(redactUrl(req.url)) }),
      },
    },
  };
}
