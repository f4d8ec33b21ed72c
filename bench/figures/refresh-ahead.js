'use strict';

// refreshAhead under steady traffic: 5 000 lookups/s of two kids for 60 s
// (10 s with --quick) over a 10-key set whose cacheMaxAge is 1 s, from an
// endpoint that answers after 30 ms. Both implementations get the same
// options (`refreshAhead: true`; jwks-rsa ignores it). Quoted: the longest
// lookup, and the lookups that waited for a fetch. A lookup waited when a
// response left the endpoint while it was pending and it took at least
// half the endpoint's latency. Each implementation runs in a fresh process.

const http = require('http');
const { fixtures } = require('../lib/fixtures');
const { Worker } = require('../lib/workers');
const { NAMES } = require('../lib/impls');
const { msSince } = require('../lib/stats');
const rows = require('../lib/rows');
const format = require('../lib/format');

const LATENCY_MS = 30;
const PER_MS = 5;
const MAX_AGE_MS = 1000;

// The set behind a delay, counting requests and responses sent.
async function slowEndpoint(keys) {
  const body = Buffer.from(JSON.stringify({ keys }));
  const counts = { requests: 0, responses: 0 };
  const server = http.createServer((req, res) => {
    counts.requests++;
    setTimeout(() => {
      res.setHeader('content-type', 'application/json');
      res.setHeader('connection', 'close');
      res.end(body, () => counts.responses++);
    }, LATENCY_MS);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { counts, uri: `http://127.0.0.1:${server.address().port}/jwks.json`, server };
}

// Fires the lookups due every millisecond at PER_MS per ms, each timed.
function stream(client, kids, counts, durationMs) {
  const tally = { lookups: 0, waited: 0, failed: 0, max: 0 };
  const start = process.hrtime.bigint();
  return new Promise((resolve) => {
    let fired = 0;
    let pending = 0;
    let stopped = false;
    const settle = (begun, responsesBefore) => {
      const took = msSince(begun);
      tally.max = Math.max(tally.max, took);
      if (counts.responses !== responsesBefore && took >= LATENCY_MS / 2) tally.waited++;
      if (--pending === 0 && stopped) resolve(tally);
    };
    const timer = setInterval(() => {
      const elapsed = msSince(start);
      const due = Math.floor(Math.min(elapsed, durationMs) * PER_MS);
      for (; fired < due; fired++) {
        const begun = process.hrtime.bigint();
        const responsesBefore = counts.responses;
        pending++;
        tally.lookups++;
        client.getSigningKey(kids[fired % kids.length]).then(
          () => settle(begun, responsesBefore),
          () => {
            tally.failed++;
            settle(begun, responsesBefore);
          },
        );
      }
      if (elapsed >= durationMs) {
        clearInterval(timer);
        stopped = true;
        if (pending === 0) resolve(tally);
      }
    }, 1);
  });
}

const tasks = {
  async run({ impl, durationMs }, state) {
    const { sets, jwksClient } = await fixtures(state, impl);
    const endpoint = await slowEndpoint(sets[10]);
    const client = jwksClient({ jwksUri: endpoint.uri, cacheMaxAge: MAX_AGE_MS, refreshAhead: true });
    const kids = [sets[10][0].kid, sets[10][1].kid];
    // The first lookup waits for the first fetch, in both.
    for (const kid of kids) await client.getSigningKey(kid);
    const tally = await stream(client, kids, endpoint.counts, durationMs);
    endpoint.server.close();
    return { ...tally, requests: endpoint.counts.requests };
  },
};

async function measure(impl, durationMs) {
  const worker = new Worker(impl, []);
  try {
    return await worker.call('refresh-ahead', 'run', { durationMs }, { timeoutMs: durationMs + 60000 });
  } finally {
    await worker.close();
  }
}

async function run({ quick }) {
  const durationMs = quick ? 10000 : 60000;
  const s = {};
  for (const impl of NAMES) s[impl] = await measure(impl, durationMs);
  const [base, ours] = NAMES.map((impl) => s[impl]);
  const figure = `refreshAhead: ${PER_MS * 1000} lookups/s for ${durationMs / 1000} s, cacheMaxAge 1 s, endpoint ${LATENCY_MS} ms`;
  const note = (t) => `${t.lookups} lookups, ${t.requests} req, ${t.failed} failed`;
  return [
    rows.custom({
      figure: `${figure}: lookups that waited for a fetch`,
      base: String(base.waited),
      ours: String(ours.waited),
      bar: '0 after the first',
      pass: ours.waited === 0 && ours.failed === 0,
      note: `jwks-rsa ${note(base)}; jwks-rsa-native ${note(ours)}`,
    }),
    rows.custom({
      figure: `${figure}: p100 latency`,
      base: format.ms(base.max),
      ours: format.ms(ours.max),
      ratio: format.ratio(ours.max / base.max),
      bar: `< ${LATENCY_MS} ms`,
      pass: ours.max < LATENCY_MS,
    }),
  ];
}

module.exports = { tasks, run };
