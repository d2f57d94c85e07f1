import { IntegrationError } from '@leadflow/integration-common';
import xmlrpc from 'xmlrpc';

export interface OdooConnection {
  /** `https://mycompany.odoo.com` */
  url: string;
  db: string;
  username: string;
  /** An API key works as the password. */
  apiKey: string;
  timeoutMs: number;
}

/**
 * How we reach Odoo: XML-RPC for 16–18 today. Odoo 19 adds JSON-2 (`POST /json/2/<model>/<method>`
 * with a bearer API key) and deprecates XML-RPC; a JSON-2 transport implements this same interface.
 */
export interface OdooTransport {
  executeKw(model: string, method: string, args: unknown[], kwargs?: Record<string, unknown>): Promise<unknown>;
}

const SERVICE = 'odoo';
// Odoo's fault codes on /xmlrpc/2: 1 uncaught exception (a traceback), 2 UserError/ValidationError/
// missing record, 3 AccessDenied (bad credentials), 4 AccessError (rights).
const LOCK_CONFLICT = /could not serialize access|concurrent update|LockNotAvailable|deadlock detected/i;

interface XmlRpcError extends Error {
  faultCode?: number;
  faultString?: string;
  code?: string | number;
}

/** A fault's message without the traceback: its last line is the error itself. */
function faultMessage(error: XmlRpcError): string {
  const text = (error.faultString ?? error.message).trim();
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return (lines[lines.length - 1] ?? text).trim();
}

export function classifyOdooError(error: unknown, call: string): IntegrationError {
  if (error instanceof IntegrationError) return error;
  const e = error as XmlRpcError;
  const where = { call, faultCode: e.faultCode };
  switch (e.faultCode) {
    case 1:
      return new IntegrationError(SERVICE, LOCK_CONFLICT.test(e.faultString ?? '') ? 'TEMPORARY' : 'INVALID', faultMessage(e), where);
    case 2:
      return new IntegrationError(SERVICE, /does not exist or has been deleted/i.test(e.faultString ?? '') ? 'NOT_FOUND' : 'INVALID', faultMessage(e), where);
    case 3:
    case 4:
      return new IntegrationError(SERVICE, 'AUTH', faultMessage(e), where);
    default:
      // No fault: the network, a timeout, or a proxy's 5xx page instead of XML.
      return new IntegrationError(SERVICE, 'TEMPORARY', `${call}: ${e.message}`, { call, code: e.code });
  }
}

/** XML-RPC (`/xmlrpc/2/common`, `/xmlrpc/2/object`) with the uid cached after the first authenticate. */
export class XmlRpcOdooTransport implements OdooTransport {
  private uid?: Promise<number>;
  private readonly common: xmlrpc.Client;
  private readonly object: xmlrpc.Client;

  constructor(private readonly connection: OdooConnection) {
    const make = (path: string) => {
      const url = new URL(path, connection.url);
      const options = { host: url.hostname, port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)), path: url.pathname };
      return url.protocol === 'https:' ? xmlrpc.createSecureClient(options) : xmlrpc.createClient(options);
    };
    this.common = make('/xmlrpc/2/common');
    this.object = make('/xmlrpc/2/object');
  }

  async executeKw(model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}): Promise<unknown> {
    const { db, apiKey } = this.connection;
    const run = async () => this.call(this.object, 'execute_kw', [db, await this.authenticated(), apiKey, model, method, args, kwargs], `${model}.${method}`);
    try {
      return await run();
    } catch (error) {
      // A rotated key or a restarted server: forget the uid and log in once more before giving up.
      if ((error as IntegrationError).details?.faultCode === 3) {
        this.uid = undefined;
        return run();
      }
      throw error;
    }
  }

  /** `authenticate` is slow on Odoo (password hashing, ~1 s): once per process, then the uid is reused. */
  private authenticated(): Promise<number> {
    this.uid ??= this.call(this.common, 'authenticate', [this.connection.db, this.connection.username, this.connection.apiKey, {}], 'authenticate').then((uid) => {
      // Odoo answers `false`, not a fault, to wrong credentials: a person must fix them.
      if (typeof uid !== 'number' || uid <= 0) throw new IntegrationError(SERVICE, 'AUTH', `Odoo refused the credentials of ${this.connection.username} on database ${this.connection.db}`);
      return uid;
    });
    this.uid.catch(() => (this.uid = undefined));
    return this.uid;
  }

  private call(client: xmlrpc.Client, method: string, params: unknown[], label: string): Promise<any> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new IntegrationError(SERVICE, 'TEMPORARY', `${label}: no answer within ${this.connection.timeoutMs} ms`)), this.connection.timeoutMs);
      client.methodCall(method, params, (error, value) => {
        clearTimeout(timer);
        if (error) reject(classifyOdooError(error, label));
        else resolve(value);
      });
    });
  }
}
