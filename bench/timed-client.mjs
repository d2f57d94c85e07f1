// The reports bench's browser: a process of its own that times GET requests over one kept-alive
// connection, to the last byte. In the bench's own process (the seeding's Prisma client and
// migration engine: a ~90 MB heap) each 1 MB answer pushed that heap into a major collection, and
// those client pauses showed up as the API's tail latency.
//
// Forked by bench/reports-bench.mjs; asked { url, headers, warmups, runs }, answers
// { times (sorted), status, body (the last answer's text) }.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function get(url, headers) {
  return new Promise((done, fail) => {
    const started = performance.now();
    http
      .get(url, { agent, headers }, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => done({ status: res.statusCode, ms: performance.now() - started, chunks }));
      })
      .on('error', fail);
  });
}

process.on('message', async ({ url, headers, warmups, runs }) => {
  try {
    for (let i = 0; i < warmups; i++) await get(url, headers);
    const times = [];
    let last;
    for (let i = 0; i < runs; i++) {
      last = await get(url, headers);
      if (last.status !== 200) break;
      times.push(last.ms);
    }
    process.send({ times: times.sort((a, b) => a - b), status: last?.status, body: last ? Buffer.concat(last.chunks).toString('utf8') : '' });
  } catch (error) {
    process.send({ error: String(error) });
  }
});
