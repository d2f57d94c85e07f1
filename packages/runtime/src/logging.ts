import type { AppConfig } from '@leadflow/config';
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

/** `/webhooks/tiktok?token=s3cret` → `/webhooks/tiktok?token=[Redacted]` */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const name of SECRET_QUERY_PARAMS) if (params.has(name)) params.set(name, '[Redacted]');
  return `${url.slice(0, q)}?${params.toString()}`;
}

/** JSON logs on stdout, one line per request (health checks excepted), secrets redacted. */
export function loggerParams(config: AppConfig, app: 'api' | 'worker'): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      base: { app },
      redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
      autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') },
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: redactUrl(req.url) }),
      },
    },
  };
}
