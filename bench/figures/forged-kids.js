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

function flood(client, track) {
  let fired = 0;
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      for (let i = 0; i < BURST && fired < FORGED; i++, fired++) track(client.getSigningKey(crypto.randomUUID()));
      if (fired >= FORGED) {
        clearInterval(timer);
        resolve();
      }
    }, BURST_EVERY_MS);
  });
}

const tasks = {
  async round({ impl }, state) {
    const { server, sets, jwksClient } = await fixtures(state, impl);
    const client = jwksClient({ jwksUri: server.uri(10), rateLimit: true });
    const valid = [sets[10][0].kid, sets[10][1].kid];
    for (const kid of valid) await client.getSigningKey(kid);

    let pending = 0;
    const forgedOutcome = {};
    const track = (promise) => {
      pending++;
      promise.then(
        () => {
          pending--;
        },
        (err) => {
          pending--;
          forgedOutcome[err.name] = (forgedOutcome[err.name] || 0) + 1;
        },
      );
    };
    const latencies = [];
    let validPending = 0;
    let validFailed = 0;
    let n = 0;
    const users = setInterval(() => {
      const start = process.hrtime.bigint();
      validPending++;
      client.getSigningKey(valid[n++ % valid.length]).then(
        () => {
          validPending--;
          latencies.push(msSince(start));
        },
        () => {
          validPending--;
          validFailed++;
        },
      );
    }, VALID_EVERY_MS);

    const start = process.hrtime.bigint();
    await flood(client, track);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, WINDOW_MS - msSince(start))));
    clearInterval(users);
    const stillPending = pending + validPending;
    // A lookup still pending has, so far, taken forever.
    for (let i = 0; i < validPending; i++) latencies.push(Infinity);
    return {
      requests: server.requests(),
      pending: stillPending,
      p99: percentile(latencies, 99),
      valid: latencies.length,
      validFailed,
      forgedOutcome,
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
  return `forged: ${forged || 'none settled'}; valid failed ${failed}/${total}`;
}

async function run({ quick }) {
  const rounds = quick ? 1 : 3;
  const s = Object.fromEntries(NAMES.map((impl) => [impl, []]));
  for (let round = 0; round < rounds; round++) {
    for (const impl of orderFor(round)) s[impl].push(await oneRound(impl));
  }
  const worst = (impl, key) => Math.max(...s[impl].map((r) => r[key]));
  const base = s['jwks-rsa'];
  const ours = s['jwks-rsa-native'];
  const figure = '10 000 forged kids + valid lookups, rateLimit';
  const requests = [worst('jwks-rsa', 'requests'), worst('jwks-rsa-native', 'requests')];
  const pending = [worst('jwks-rsa', 'pending'), worst('jwks-rsa-native', 'pending')];
  return [
    rows.custom({
      figure: `${figure}: requests`,
      base: format.count(requests[0], 'req'),
      ours: format.count(requests[1], 'req'),
      ratio: format.ratio(requests[1] / requests[0]),
      bar: "<= jwks-rsa's",
      pass: requests[1] <= requests[0],
    }),
    rows.custom({
      figure: `${figure}: pending after 2 s`,
      base: String(pending[0]),
      ours: String(pending[1]),
      bar: '0',
      pass: pending[1] === 0,
      note: `jwks-rsa ${describe(base)}; jwks-rsa-native ${describe(ours)}`,
    }),
    rows.atMost({
      figure: `${figure}: valid p99`,
      base: median(base.map((r) => r.p99)),
      ours: median(ours.map((r) => r.p99)),
      max: 1,
      fmt: format.ms,
    }),
  ];
}

module.exports = { tasks, run };
