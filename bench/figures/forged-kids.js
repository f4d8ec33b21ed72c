'use strict';

// A flood of forged kids with `rateLimit: true`: 10 000 lookups of random
// kids, fired in bursts, while real users keep looking up the two kids they
// hold. After 2 s: requests the JWKS server got, lookups still pending,
// and the p99 latency of the real users' lookups. Each round runs in a
// fresh process that exits with whatever is still pending.

const crypto = require('crypto');
const { fixtures } = require('../lib/fixtures');
const { Worker } = require('../lib/workers');
const { NAMES, orderFor } = require('../lib/impls');
const { median, percentile, msSince } = require('../lib/stats');
const rows = require('../lib/rows');
const format = require('../lib/format');

const FORGED = 10000;
const BURST = 1000;
const BURST_EVERY_MS = 10;
const VALID_EVERY_MS = 1;
const WINDOW_MS = 2000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Fires the forged lookups in bursts; counts outcomes and what is pending. */
function forgedFlood(client) {
  const tally = { pending: 0, outcome: {} };
  const settle = (name) => {
    tally.pending--;
    tally.outcome[name] = (tally.outcome[name] || 0) + 1;
  };
  let fired = 0;
  const done = new Promise((resolve) => {
    const timer = setInterval(() => {
      for (let i = 0; i < BURST && fired < FORGED; i++, fired++) {
        tally.pending++;
        client.getSigningKey(crypto.randomUUID()).then(
          () => settle('resolved'),
          (err) => settle(err.name),
        );
      }
      if (fired >= FORGED) {
        clearInterval(timer);
        resolve();
      }
    }, BURST_EVERY_MS);
  });
  return { tally, done };
}

/** Real users: a lookup of a known kid every millisecond, each timed. */
function validStream(client, kids) {
  const stream = { latencies: [], pending: 0, failed: 0 };
  let n = 0;
  const timer = setInterval(() => {
    const start = process.hrtime.bigint();
    stream.pending++;
    client.getSigningKey(kids[n++ % kids.length]).then(
      () => {
        stream.pending--;
        stream.latencies.push(msSince(start));
      },
      () => {
        stream.pending--;
        stream.failed++;
      },
    );
  }, VALID_EVERY_MS);
  stream.stop = () => clearInterval(timer);
  return stream;
}

const tasks = {
  async round({ impl }, state) {
    const { server, sets, jwksClient } = await fixtures(state, impl);
    const client = jwksClient({ jwksUri: server.uri(10), rateLimit: true });
    const kids = [sets[10][0].kid, sets[10][1].kid];
    for (const kid of kids) await client.getSigningKey(kid);

    const start = process.hrtime.bigint();
    const users = validStream(client, kids);
    const flood = forgedFlood(client);
    await flood.done;
    await sleep(Math.max(0, WINDOW_MS - msSince(start)));
    users.stop();
    // A lookup still pending has, so far, taken forever.
    const latencies = [...users.latencies, ...Array(users.pending).fill(Infinity)];
    return {
      requests: server.requests(),
      pending: flood.tally.pending + users.pending,
      p99: percentile(latencies, 99),
      valid: latencies.length,
      validFailed: users.failed,
      forgedOutcome: flood.tally.outcome,
    };
  },
};

async function oneRound(impl) {
  const worker = new Worker(impl, []);
  try {
    return await worker.call('forged-kids', 'round', {}, { timeoutMs: 30000 });
  } finally {
    await worker.close();
  }
}

function describe(samples) {
  const outcome = {};
  for (const s of samples) for (const [k, v] of Object.entries(s.forgedOutcome)) outcome[k] = (outcome[k] || 0) + v;
  const failed = samples.reduce((a, s) => a + s.validFailed, 0);
  const total = samples.reduce((a, s) => a + s.valid + s.validFailed, 0);
  const forged = Object.entries(outcome)
    .map(([k, v]) => `${Math.round(v / samples.length)} ${k}`)
    .join(', ');
  return `forged settled: ${forged || 'none'}; valid failed ${failed}/${total}`;
}

const FIGURE = '10 000 forged kids + valid lookups, rateLimit';

function figureRows(s) {
  const worst = (impl, key) => Math.max(...s[impl].map((r) => r[key]));
  const [baseReq, ourReq] = NAMES.map((impl) => worst(impl, 'requests'));
  const [basePending, ourPending] = NAMES.map((impl) => worst(impl, 'pending'));
  return [
    rows.custom({
      figure: `${FIGURE}: requests`,
      base: format.count(baseReq, 'req'),
      ours: format.count(ourReq, 'req'),
      ratio: format.ratio(ourReq / baseReq),
      bar: "<= jwks-rsa's",
      pass: ourReq <= baseReq,
    }),
    rows.custom({
      figure: `${FIGURE}: pending after 2 s`,
      base: String(basePending),
      ours: String(ourPending),
      bar: '0',
      pass: ourPending === 0,
      note: `per round, jwks-rsa ${describe(s['jwks-rsa'])}; jwks-rsa-native ${describe(s['jwks-rsa-native'])}`,
    }),
    rows.atMost({
      figure: `${FIGURE}: valid p99`,
      base: median(s['jwks-rsa'].map((r) => r.p99)),
      ours: median(s['jwks-rsa-native'].map((r) => r.p99)),
      max: 1,
      fmt: format.ms,
    }),
  ];
}

async function run({ quick }) {
  const rounds = quick ? 1 : 3;
  const s = Object.fromEntries(NAMES.map((impl) => [impl, []]));
  for (let round = 0; round < rounds; round++) {
    for (const impl of orderFor(round)) s[impl].push(await oneRound(impl));
  }
  return figureRows(s);
}

module.exports = { tasks, run };
