import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, operations, paths } from './schema.js';

export type { components, operations, paths };
/** A schema of the API by name, e.g. `Schema<'LeadDetailDto'>`. */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

export interface LeadflowClientOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** Where the API is, e.g. `http://localhost:3000`. */
  baseUrl: string;
  /** A sign-in token or an API key; a function is asked before every request (token refresh). */
  token?: string | (() => string | undefined | Promise<string | undefined>);
}

/**
 * The typed CRM API client: every path, parameter, body and response checked against the API's
 * OpenAPI document. `const { data, error, response } = await api.GET('/crm/leads/{id}', { params: { path: { id } } })`.
 */
export function createLeadflowClient({ token, ...options }: LeadflowClientOptions): Client<paths> {
  const client = createClient<paths>(options);
  if (token) {
    client.use({
      async onRequest({ request }) {
        const value = typeof token === 'function' ? await token() : token;
        if (value) request.headers.set('authorization', `Bearer ${value}`);
        return request;
      },
    });
  }
  return client;
}
