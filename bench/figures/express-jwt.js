'use strict';

// End to end: an express app protecting a route with express-jwt 8 and the
// implementation's `expressJwtSecret`, loaded by autocannon with a real
// RS256 token. jwks-rsa hands express-jwt a PEM, which jsonwebtoken parses
// again on every request; with `keyObject: true` this package hands it a
// cached `crypto.KeyObject` instead.

const http = require('http');
const jwt = require('jsonwebtoken');
const autocannon = require('autocannon');
const { fixtures } = require('../lib/fixtures');
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

const tasks = {
  /** Starts the app; resolves with its port, or with why it cannot run. */
  async serve({ impl, keyObject }, state) {
    const { server, jwksClient } = await fixtures(state, impl);
    if (typeof jwksClient.expressJwtSecret !== 'function') {
      return { skipped: `${impl} does not export expressJwtSecret yet` };
    }
    const express = require('express');
    const { expressjwt } = require('express-jwt');
    const options = { jwksUri: server.uri(10), cache: true, rateLimit: true, jwksRequestsPerMinute: 10 };
    if (keyObject) options.keyObject = true;
    const app = express();
    app.get('/protected', expressjwt({ secret: jwksClient.expressJwtSecret(options), algorithms: ['RS256'] }), (req, res) =>
      res.json({ sub: req.auth.sub }),
    );
    app.use((err, req, res, next) => res.status(err.status || 500).json({ error: err.message }));
    const listener = await new Promise((resolve) => {
      const l = app.listen(0, '127.0.0.1', () => resolve(l));
    });
    state.app = listener;
    return { port: listener.address().port };
  },
};

function token(pools) {
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

async function load(url, headers, seconds) {
  const result = await autocannon({ url, headers, connections: CONNECTIONS, duration: seconds });
  if (result.non2xx || result.errors || result.timeouts) {
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return result.requests.mean;
}

async function startApps(headers) {
  const apps = [];
  for (const variant of VARIANTS) {
    const worker = new Worker(variant.impl, []);
    apps.push({ variant, worker });
    const started = await worker.call('express-jwt', 'serve', { keyObject: variant.keyObject });
    if (started.skipped) return { apps, skipped: started.skipped };
    const url = `http://127.0.0.1:${started.port}/protected`;
    const check = await get(url, headers);
    if (check.status !== 200 || JSON.parse(check.body).sub !== 'bench-user') {
      throw new Error(`${variant.name}: ${check.status} ${check.body}`);
    }
    Object.assign(apps[apps.length - 1], { url });
  }
  return { apps };
}

const FIGURE = 'express + express-jwt 8 end to end';

async function run({ quick }) {
  const { pools } = await loadPools();
  const headers = { authorization: `Bearer ${token(pools)}` };
  const { apps, skipped } = await startApps(headers);
  try {
    if (skipped) {
      return [
        rows.skipped({ figure: `${FIGURE}, default`, bar: '>= 1x', reason: skipped }),
        rows.skipped({ figure: `${FIGURE}, keyObject: true`, bar: '>= 1.3x', reason: skipped }),
      ];
    }
    const rounds = quick ? 2 : 7;
    const seconds = quick ? 1 : 3;
    for (const app of apps) await load(app.url, headers, 1);
    const s = Object.fromEntries(VARIANTS.map((v) => [v.name, []]));
    for (let round = 0; round < rounds; round++) {
      const shift = round % apps.length;
      for (const app of [...apps.slice(shift), ...apps.slice(0, shift)]) {
        s[app.variant.name].push(await load(app.url, headers, seconds));
      }
    }
    // End-to-end figures drift with the machine's load; each round's ratio
    // compares runs made seconds apart, and the median of those is quoted.
    const pairedRatio = (name) => median(s[name].map((v, i) => v / s['jwks-rsa'][i]));
    const base = median(s['jwks-rsa']);
    const note = `${CONNECTIONS} connections, ${rounds} rounds of ${seconds} s per variant; ratio: median of per-round ratios`;
    return [
      rows.atLeast({
        figure: `${FIGURE}, default`,
        base,
        ours: median(s.default),
        ratio: pairedRatio('default'),
        min: 1,
        fmt: format.reqPerSec,
        note,
      }),
      rows.atLeast({
        figure: `${FIGURE}, keyObject: true`,
        base,
        ours: median(s.keyObject),
        ratio: pairedRatio('keyObject'),
        min: 1.3,
        fmt: format.reqPerSec,
      }),
    ];
  } finally {
    await Promise.all(apps.map((a) => a.worker.close()));
  }
}

module.exports = { tasks, run };
