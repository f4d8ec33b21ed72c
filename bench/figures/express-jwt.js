'use strict';

// End to end: an express app protecting a route with express-jwt 8 and the
// implementation's `expressJwtSecret`, loaded by autocannon with a real
// RS256 token. jwks-rsa hands express-jwt a PEM, which jsonwebtoken parses
// again on every request; so does this package by default, and with
// `keyObject: true` it hands over a cached `crypto.KeyObject` instead.
// Besides requests per second, each app's CPU time per request is read:
// it does not depend on how much of the shared machine the app was given.

const http = require('http');
const { fixtures } = require('../lib/fixtures');
const { startApp } = require('../lib/express-app');
const { Worker } = require('../lib/workers');
const { loadPools, signer } = require('../lib/keys');
const { median } = require('../lib/stats');
const rows = require('../lib/rows');
const format = require('../lib/format');

const VARIANTS = [
  { name: 'jwks-rsa', impl: 'jwks-rsa', keyObject: false },
  { name: 'default', impl: 'jwks-rsa-native', keyObject: false },
  { name: 'keyObject', impl: 'jwks-rsa-native', keyObject: true },
];

const CONNECTIONS = 10;
const FIGURE = 'express + express-jwt 8 end to end';

const tasks = {
  /** Starts the app; resolves with its port, or with why it cannot run. */
  async serve({ impl, keyObject }, state) {
    const { server, jwksClient } = await fixtures(state, impl);
    if (typeof jwksClient.expressJwtSecret !== 'function') {
      return { skipped: `${impl} does not export expressJwtSecret yet` };
    }
    const options = { jwksUri: server.uri(10), cache: true, rateLimit: true, jwksRequestsPerMinute: 10 };
    if (keyObject) options.keyObject = true;
    state.app = await startApp(jwksClient.expressJwtSecret, options);
    return { port: state.app.port };
  },

  usage(params, state) {
    return state.app.usage();
  },
};

// The apps' processes load this module too: what only the orchestrator
// uses (jsonwebtoken, autocannon and its 200 modules) is loaded where used.

function token(pools) {
  const jwt = require('jsonwebtoken');
  const { kid, privatePem } = signer(pools);
  return jwt.sign({ sub: 'bench-user' }, privatePem, { algorithm: 'RS256', keyid: kid, expiresIn: '1h' });
}

function get(url, headers) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode, body }));
      })
      .on('error', reject);
  });
}

/** One autocannon run: `{ rps, cpuPerReq }` (CPU microseconds per request). */
async function load(app, headers, seconds) {
  const before = await app.worker.call('express-jwt', 'usage');
  const result = await require('autocannon')({ url: app.url, headers, connections: CONNECTIONS, duration: seconds });
  const after = await app.worker.call('express-jwt', 'usage');
  if (result.non2xx || result.errors || result.timeouts) {
    throw new Error(`${app.variant.name}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return { rps: result.requests.mean, cpuPerReq: (after.cpuUs - before.cpuUs) / (after.served - before.served) };
}

async function startApps(headers) {
  const apps = [];
  for (const variant of VARIANTS) {
    const app = { variant, worker: new Worker(variant.impl, []) };
    apps.push(app);
    const started = await app.worker.call('express-jwt', 'serve', { keyObject: variant.keyObject });
    if (started.skipped) return { apps, skipped: started.skipped };
    app.url = `http://127.0.0.1:${started.port}/protected`;
    const check = await get(app.url, headers);
    if (check.status !== 200 || JSON.parse(check.body).sub !== 'bench-user') {
      throw new Error(`${variant.name}: ${check.status} ${check.body}`);
    }
  }
  return { apps };
}

/** Runs every app once a round, in rotating order; adds to the samples by variant. */
async function measure(apps, headers, { rounds, seconds }, s) {
  for (const app of apps) await load(app, headers, 1);
  for (let round = 0; round < rounds; round++) {
    const shift = round % apps.length;
    for (const app of [...apps.slice(shift), ...apps.slice(0, shift)]) {
      s[app.variant.name].push(await load(app, headers, seconds));
    }
  }
}

/**
 * Fresh app processes for every session: two processes running the same
 * code differ by several per cent in CPU per request for their whole life, which
 * alternating rounds within one session cannot cancel.
 */
async function sessions(headers, plan) {
  const s = Object.fromEntries(VARIANTS.map((v) => [v.name, []]));
  for (let i = 0; i < plan.sessions; i++) {
    const { apps, skipped } = await startApps(headers);
    try {
      if (skipped) return { skipped };
      await measure(apps, headers, plan, s);
    } finally {
      await Promise.all(apps.map((a) => a.worker.close()));
    }
  }
  return { samples: s };
}

function figureRows(s, { sessions: n, rounds, seconds }) {
  const rps = (name) => median(s[name].map((r) => r.rps));
  const cpu = (name) => median(s[name].map((r) => r.cpuPerReq));
  // End-to-end figures drift with the machine's load; each round's ratio
  // compares runs made seconds apart, and the median of those is quoted.
  const paired = (name) => median(s[name].map((r, i) => r.rps / s['jwks-rsa'][i].rps));
  const cpuNote = (name) =>
    `CPU per request ${format.ms(cpu('jwks-rsa') / 1000)} vs ${format.ms(cpu(name) / 1000)} (${format.ratio(cpu('jwks-rsa') / cpu(name))} less work)`;
  const setup = `${CONNECTIONS} connections; ${n} x fresh apps, ${rounds} rounds of ${seconds} s each; ratio: median of per-round ratios`;
  return [
    rows.atLeast({
      figure: `${FIGURE}, default`,
      base: rps('jwks-rsa'),
      ours: rps('default'),
      ratio: paired('default'),
      min: 1,
      fmt: format.reqPerSec,
      note: `${setup}; ${cpuNote('default')}`,
    }),
    rows.atLeast({
      figure: `${FIGURE}, keyObject: true`,
      base: rps('jwks-rsa'),
      ours: rps('keyObject'),
      ratio: paired('keyObject'),
      min: 1.3,
      fmt: format.reqPerSec,
      note: cpuNote('keyObject'),
    }),
  ];
}

async function run({ quick }) {
  const { pools } = await loadPools();
  const headers = { authorization: `Bearer ${token(pools)}` };
  const plan = quick ? { sessions: 1, rounds: 2, seconds: 1 } : { sessions: 5, rounds: 3, seconds: 2 };
  const { samples, skipped } = await sessions(headers, plan);
  if (skipped) {
    return [
      rows.skipped({ figure: `${FIGURE}, default`, bar: '>= 1x', reason: skipped }),
      rows.skipped({ figure: `${FIGURE}, keyObject: true`, bar: '>= 1.3x', reason: skipped }),
    ];
  }
  return figureRows(samples, plan);
}

module.exports = { tasks, run };
