import { afterAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import Fastify from 'fastify';
import { serializeJson } from './json-reply.js';

const asBytes = (out: string | Buffer) => (typeof out === 'string' ? Buffer.from(out) : out);

/** A report-shaped answer: a long array of rows with Arabic and English names, and its totals. */
const report = (rows: number) => ({
  from: '2025-12-06',
  to: '2026-12-05',
  rows: Array.from({ length: rows }, (_, i) => ({
    period: '2026-01-01',
    key: `employee-${i}`,
    label: i % 2 ? 'ريم الدوسري' : 'Sara 😀 "quoted"',
    leads: i,
    contactedRate: i ? 1 / i : null,
  })),
  totals: { leads: rows },
});

describe('serializeJson', () => {
  it('writes the same bytes as JSON.stringify, as a buffer when an array is long', () => {
    const big = report(5_000);
    const out = serializeJson(big);
    expect(Buffer.isBuffer(out)).toBe(true);
    expect(asBytes(out).equals(Buffer.from(JSON.stringify(big)))).toBe(true);
    // Short answers keep the plain path.
    expect(serializeJson(report(3))).toBe(JSON.stringify(report(3)));
  });

  it('follows JSON.stringify for any value: undefined members, dates, toJSON, lone surrogates, nesting', () => {
    const value = fc.oneof(fc.jsonValue(), fc.constant(undefined), fc.date({ noInvalidDate: true }), fc.string({ unit: 'binary' }), fc.constant({ toJSON: () => 'custom' }));
    const long = fc.array(value, { minLength: 256, maxLength: 300 });
    // A long array with holes, or with a toJSON of its own, is still written as JSON.stringify writes it.
    const odd = long.map((array) => {
      const shaped = [...array];
      delete shaped[3];
      if (array.length % 2) Object.assign(shaped, { toJSON: () => 'the array as text' });
      return shaped;
    });
    const record = fc.dictionary(fc.string({ unit: 'binary' }), fc.oneof(value, long, odd));
    fc.assert(
      fc.property(fc.oneof(record, value), (payload) => {
        const out = serializeJson(payload);
        const expected = JSON.stringify(payload);
        if (expected === undefined) expect(out).toBeUndefined();
        else expect(asBytes(out).equals(Buffer.from(expected))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  describe('as the reply serializer of a real server', () => {
    const server = Fastify();
    server.setReplySerializer(serializeJson as (payload: unknown) => string);
    server.get('/big', async () => report(3_000));
    server.get('/small', async () => ({ ok: true }));
    afterAll(() => server.close());

    it('answers JSON with the right length and the same document', async () => {
      const base = await server.listen({ host: '127.0.0.1', port: 0 });
      for (const [path, rows] of [['/big', 3_000], ['/small', 0]] as const) {
        const res = await fetch(`${base}${path}`);
        const body = Buffer.from(await res.arrayBuffer());
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
        expect(Number(res.headers.get('content-length'))).toBe(body.length);
        expect(JSON.parse(body.toString('utf8'))).toEqual(rows ? report(rows) : { ok: true });
      }
    });
  });
});
