// The baseline of the ingestion benchmark: a bare Node `http` server that does the least a correct
// webhook endpoint can — verify Meta's signature over the raw body, one idempotent insert, 200.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import pg from 'pg';

const secret = process.env.META_APP_SECRET;
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
await pool.query('CREATE TABLE IF NOT EXISTS bare_delivery (leadgen_id text PRIMARY KEY, body jsonb NOT NULL, received_at timestamptz NOT NULL DEFAULT now())');

createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const raw = Buffer.concat(chunks);
    const given = Buffer.from(String(req.headers['x-hub-signature-256'] ?? ''));
    const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return void res.writeHead(401).end();
    try {
      const body = JSON.parse(raw.toString('utf8'));
      const ids = body.entry.flatMap((e) => e.changes.map((c) => c.value.leadgen_id));
      await pool.query('INSERT INTO bare_delivery (leadgen_id, body) SELECT unnest($1::text[]), $2::jsonb ON CONFLICT DO NOTHING', [ids, raw.toString('utf8')]);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    } catch {
      res.writeHead(400).end();
    }
  });
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('bare server ready'));
