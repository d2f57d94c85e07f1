import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';

// The committed document (CI fails when it differs from the code), read as the frontend reads it.
const document = JSON.parse(readFileSync(new URL('../../../../openapi.json', import.meta.url), 'utf8')) as {
  paths: Record<string, Record<string, { summary?: string; security?: unknown[]; responses: Record<string, unknown> }>>;
};
const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, path, op })));
const PUBLIC = ['POST /crm/auth/login', 'GET /health'];

describe('openapi.json', () => {
  it('documents every endpoint with a summary, a success and its error responses', () => {
    expect(operations.length).toBeGreaterThan(50);
    const incomplete = operations.filter(({ op }) => !op.summary || !Object.keys(op.responses).some((code) => code < '300') || !Object.keys(op.responses).some((code) => code >= '400'));
    expect(incomplete.map((o) => o.name)).toEqual([]);
  });

  it('marks every /crm endpoint but sign-in as needing a bearer token, with a 401', () => {
    const crm = operations.filter((o) => o.path.startsWith('/crm') && !PUBLIC.includes(o.name));
    expect(crm.filter(({ op }) => !op.security?.length || !op.responses['401']).map((o) => o.name)).toEqual([]);
  });
});
