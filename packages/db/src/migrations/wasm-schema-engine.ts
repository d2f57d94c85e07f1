import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPg } from '@prisma/adapter-pg';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import pg from 'pg';
import * as glue from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';

// Node code is typed without lib.dom, which is where the WebAssembly globals are declared.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, unknown>) => { exports: Record<string, unknown> };
};

// Prisma's schema engine compiled to WebAssembly: the same migration logic as the native
// `schema-engine` binary (same `_prisma_migrations` bookkeeping and checksums), but it talks to
// Postgres through the `pg` driver adapter, so nothing has to be downloaded at run time.
let instantiated = false;

// The engine arms JS timers (its pool's idle timeout) that would keep a finished migration
// command alive for ten more seconds; unref them so the process exits as soon as work is done.
function withUnrefTimers(imports: Record<string, unknown>): Record<string, unknown> {
  const wrapped: Record<string, unknown> = { ...imports };
  for (const [name, fn] of Object.entries(imports)) {
    if (!name.startsWith('__wbg_setTimeout_') || typeof fn !== 'function') continue;
    wrapped[name] = (...args: unknown[]) => {
      const timer = (fn as (...a: unknown[]) => unknown)(...args);
      (timer as { unref?: () => void } | undefined)?.unref?.();
      return timer;
    };
  }
  return wrapped;
}

async function instantiate(): Promise<void> {
  if (instantiated) return;
  // The package's exports map hides the .wasm file; it sits beside the exported JS glue.
  const gluePath = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  const wasmPath = gluePath.replace(/\.js$/, '.wasm');
  const module = new WebAssembly.Module(await readFile(wasmPath));
  const instance = new WebAssembly.Instance(module, { './schema_engine_bg.js': withUnrefTimers(glue) });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  instantiated = true;
}

export type { SchemaEngine };

// The engine describes a database by reading pg_catalog, whose flag columns use Postgres' one-byte
// "char" type (oid 18). The pg adapter has no mapping for that oid and fails the whole describe
// ("Column type 'char' could not be deserialized"), so report those columns as text, which they are.
const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;
type QueryResultLike = { fields?: { dataTypeID: number }[] } | undefined;
function reportCharAsText<R extends QueryResultLike>(result: R): R {
  for (const field of result?.fields ?? []) if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
  return result;
}
class CatalogCompatibleClient extends pg.Client {
  override query(...args: unknown[]): any {
    const callbackAt = args.findIndex((arg) => typeof arg === 'function');
    if (callbackAt >= 0) {
      const callback = args[callbackAt] as (error: Error | null, result: QueryResultLike) => void;
      args[callbackAt] = (error: Error | null, result: QueryResultLike) => callback(error, reportCharAsText(result));
    }
    const pending = (super.query as (...a: unknown[]) => unknown)(...args);
    return pending instanceof Promise ? pending.then(reportCharAsText) : pending;
  }
}

// The pg adapter runs a script by splitting it on ";", which cuts a function body (`$$ … ; … $$`)
// or a string with a semicolon in half. The native engine sends the script whole; so do we: one
// simple-protocol query, which Postgres runs statement by statement, atomically.
class WholeScriptPrismaPg extends PrismaPg {
  // Our runner connects the engine to a throw-away database whenever it needs a shadow one
  // (migration-runner.ts), so the shadow is that same database.
  override connectToShadowDb() {
    return this.connect();
  }

  override async connect() {
    const adapter = await super.connect();
    adapter.executeScript = async (script: string) => {
      try {
        await adapter.underlyingDriver().query(script);
      } catch (error) {
        (adapter as unknown as { onError(e: unknown): never }).onError(error);
      }
    };
    return adapter;
  }
}

export interface OpenSchemaEngine {
  engine: SchemaEngine;
  /** Frees the engine and closes its connections. */
  close(): Promise<void>;
}

export async function openSchemaEngine(databaseUrl: string, schemaFiles: { path: string; content: string }[]): Promise<OpenSchemaEngine> {
  await instantiate();
  // We own the pool so that closing the engine really closes its connections.
  const pool = new pg.Pool({ connectionString: databaseUrl, Client: CatalogCompatibleClient, max: 2 });
  const adapter = bindMigrationAwareSqlAdapterFactory(new WholeScriptPrismaPg(pool));
  const debug = process.env.DEBUG_SCHEMA_ENGINE ? (line: string) => process.stderr.write(`${line}\n`) : () => undefined;
  const engine = await glue.SchemaEngine.new({ datamodels: schemaFiles.map((f) => [f.path, f.content]) }, debug, adapter);
  return {
    engine,
    async close() {
      engine.free();
      await pool.end();
    },
  };
}

/** The engine throws plain objects ({ message, code? }) rather than Errors. */
export function engineErrorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object' && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}
