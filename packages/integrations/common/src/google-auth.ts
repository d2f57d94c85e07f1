import { google } from 'googleapis';
import { readFileSync } from 'node:fs';
import { IntegrationError, codeForHttpStatus } from './integration-error.js';

type Auth = InstanceType<typeof google.auth.OAuth2> | InstanceType<typeof google.auth.GoogleAuth>;

/**
 * GOOGLE_SERVICE_ACCOUNT_JSON is a service account key (the JSON, or a path to the file). A JSON
 * with just an `access_token` is accepted as a ready token (short-lived tokens issued elsewhere, and
 * the local simulator).
 */
export function googleAuth(credentials: string, scopes: string[]): Auth {
  const text = credentials.trim().startsWith('{') ? credentials : readFileSync(credentials, 'utf8');
  const key = JSON.parse(text) as { access_token?: string; client_email?: string; private_key?: string };
  if (key.access_token) {
    const client = new google.auth.OAuth2();
    client.setCredentials({ access_token: key.access_token });
    return client;
  }
  if (!key.client_email || !key.private_key) throw new Error('GOOGLE_SERVICE_ACCOUNT_JSON is neither a service account key nor { "access_token": … }');
  return new google.auth.GoogleAuth({ credentials: { client_email: key.client_email, private_key: key.private_key }, scopes });
}

/** A googleapis failure as an IntegrationError, classified by its HTTP status (none: a network failure). */
export function googleError(service: string, error: unknown): IntegrationError {
  if (error instanceof IntegrationError) return error;
  const e = error as { status?: number; code?: number | string; response?: { status?: number }; message: string };
  const status = e.response?.status ?? e.status ?? (typeof e.code === 'number' ? e.code : undefined);
  return new IntegrationError(service, status ? codeForHttpStatus(status) : 'TEMPORARY', e.message, { status });
}
