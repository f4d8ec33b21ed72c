#!/usr/bin/env node
'use strict';

// The demo: a local identity provider, an express API protected by
// expressJwtSecret, and tokens thrown at it, with what happened printed at
// each step. Every step checks its own outcome; the demo exits non-zero if
// any surprises it.
//
// It never sleeps: the client reads time from Date.now() for its cache, and
// from process.hrtime() and new Date() for its rate limit (the clocks
// jwks-rsa's limiter reads), so the demo moves those clocks forward where a
// real deployment would wait minutes.

const crypto = require('crypto');
const express = require('express');
const { expressjwt } = require('express-jwt');
const { expressJwtSecret } = require('..');
const { createSigningKey, signWith, startIdentityProvider } = require('../examples/identity-provider');
const { refreshAheadStep } = require('./demo-refresh-ahead');

let clockSkewMs = 0;
const RealDate = Date;
global.Date = class extends RealDate {
  constructor(...args) {
    super(...(args.length ? args : [RealDate.now() + clockSkewMs]));
  }

  static now() {
    return RealDate.now() + clockSkewMs;
  }
};
const realHrtime = process.hrtime;
process.hrtime = Object.assign(
  (previous) => {
    const [s, ns] = realHrtime();
    const total = BigInt(s) * 1_000_000_000n + BigInt(ns) + BigInt(clockSkewMs) * 1_000_000n;
    const since = previous ? total - (BigInt(previous[0]) * 1_000_000_000n + BigInt(previous[1])) : total;
    return [Number(since / 1_000_000_000n), Number(since % 1_000_000_000n)];
  },
  { bigint: () => realHrtime.bigint() + BigInt(clockSkewMs) * 1_000_000n },
);

const RATE_LIMIT = 5;
const staleServes = [];

function expect(condition, what) {
  if (!condition) throw new Error(`unexpected: ${what}`);
}

function startApi(jwksUri) {
  const secret = expressJwtSecret({
    jwksUri,
    rateLimit: true,
    jwksRequestsPerMinute: RATE_LIMIT,
    cacheMaxAgeFallback: 60 * 60 * 1000,
    onStaleCacheFallback: (err, kid) => staleServes.push({ kid, reason: err.message }),
  });
  const app = express();
  app.use('/api', expressjwt({ secret, algorithms: ['RS256', 'ES256'] }));
  app.get('/api/me', (req, res) => res.json({ sub: req.auth.sub }));
  app.use((err, req, res, next) => res.status(err.status || 500).json({ error: err.message }));
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => {
      resolve({ secret, server, url: `http://127.0.0.1:${server.address().port}/api/me` });
    });
  });
}

async function call(api, token) {
  const started = process.hrtime.bigint();
  const res = await fetch(api.url, { headers: { authorization: `Bearer ${token}` } });
  const body = await res.json();
  return { status: res.status, body, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

// Counts answers by "status message", e.g. { '200': 3, '401 invalid signature': 1 }.
async function tally(api, tokens) {
  const counts = {};
  for (const token of tokens) {
    const { status, body } = await call(api, token);
    const label = body.error ? `${status} ${body.error}` : `${status}`;
    counts[label] = (counts[label] || 0) + 1;
  }
  return counts;
}

const show = (counts) =>
  Object.entries(counts)
    .map(([label, n]) => `${n} x ${label}`)
    .join(', ');

async function firstFetch({ idp, api }) {
  const first = await call(api, idp.mint('rsa-1', { sub: 'alice' }));
  expect(first.status === 200 && idp.requests === 1, 'the first request passes after one fetch');
  console.log(`2. First request, RS256 token: ${first.status} ${JSON.stringify(first.body)} in ${first.ms.toFixed(1)} ms`);
  console.log(`   The API fetched the key set once (identity provider requests: ${idp.requests}).`);
}

async function cacheHits({ idp, api }) {
  const tokens = [idp.mint('rsa-1', { sub: 'alice' }), idp.mint('ec-1', { sub: 'bob' })];
  const started = process.hrtime.bigint();
  const counts = await tally(
    api,
    Array.from({ length: 200 }, (_, i) => tokens[i % 2]),
  );
  const msEach = Number(process.hrtime.bigint() - started) / 1e6 / 200;
  expect(counts['200'] === 200 && idp.requests === 1, 'cached keys answer without fetching');
  console.log(`3. 200 more requests, RS256 and ES256 tokens: ${show(counts)}, ${msEach.toFixed(2)} ms a round trip`);
  console.log(`   Still ${idp.requests} request to the identity provider: the ES256 key came with the same set.`);
}

async function ed25519Key({ idp, api }) {
  const token = idp.mint('ed-1', { sub: 'carol' });
  const key = await api.secret.client.getSigningKey('ed-1');
  const [header, payload, signature] = token.split('.');
  const valid = crypto.verify(null, Buffer.from(`${header}.${payload}`), key.getPublicKeyObject(), Buffer.from(signature, 'base64url'));
  expect(valid && idp.requests === 1, 'the Ed25519 key verifies an EdDSA token');
  console.log('4. The Ed25519 key comes from the same cache and verifies an EdDSA token with node:crypto');
  console.log('   (jsonwebtoken, which express-jwt verifies with, has no EdDSA).');
}

async function forgedKid({ idp, api }) {
  const attacker = createSigningKey('RS256', 'forged-kid');
  const before = idp.requests;
  const unknown = await call(api, signWith(attacker, { sub: 'mallory' }));
  const impostor = await call(api, signWith({ ...attacker, kid: 'rsa-1' }, { sub: 'mallory' }));
  expect(unknown.status === 401 && impostor.status === 401, 'forged tokens are refused');
  console.log(`5. A token with a forged kid: ${unknown.status} "${unknown.body.error}"`);
  console.log(`   (one lookup in case the key was new: ${idp.requests - before} request).`);
  console.log(`   A forged token claiming kid rsa-1: ${impostor.status} "${impostor.body.error}", no request.`);
}

async function rotation({ idp, api }) {
  idp.rotate('RS256', 'rsa-2');
  const before = idp.requests;
  const answer = await call(api, idp.mint('rsa-2', { sub: 'alice' }));
  expect(answer.status === 200 && idp.requests === before + 1, 'a new key is picked up');
  console.log(`6. The identity provider rotates in rsa-2. A token signed with it: ${answer.status}, after ${idp.requests - before} fetch.`);
}

async function flood({ idp, api }) {
  const attacker = createSigningKey('RS256', 'flood');
  const before = idp.requests;
  const tokens = Array.from({ length: 20 }, (_, i) => signWith({ ...attacker, kid: `random-${i}` }));
  const counts = await tally(api, tokens);
  const valid = await call(api, idp.mint('rsa-1', { sub: 'alice' }));
  expect(idp.requests === RATE_LIMIT && valid.status === 200, 'the flood stops at the rate limit');
  console.log(`7. A flood of 20 tokens with random kids: ${show(counts)}.`);
  console.log(`   The identity provider saw ${idp.requests - before} of them (${RATE_LIMIT} requests a minute in all);`);
  console.log(`   a real user in the middle of it: ${valid.status}.`);
}

async function endpointDown({ idp, api }) {
  await idp.stop();
  clockSkewMs += 11 * 60 * 1000;
  const alice = await call(api, idp.mint('rsa-1', { sub: 'alice' }));
  const unseen = await call(api, signWith(createSigningKey('ES256', 'never-seen')));
  expect(alice.status === 200 && staleServes.length === 1, 'a stale key is served while the endpoint is down');
  console.log('8. The identity provider goes down; 11 minutes pass (the clock is moved) and the cache expires.');
  console.log(`   Alice's token: ${alice.status}, verified with the last good key; onStaleCacheFallback was told`);
  console.log(`   kid ${staleServes[0].kid}, "${staleServes[0].reason}".`);
  console.log(`   A kid never seen before: ${unseen.status} "${unseen.body.error}".`);
}

// Conditional requests and Cache-Control, on an endpoint of its own that
// sends an ETag and max-age=300 and answers 304 to a matching If-None-Match.
async function revalidation() {
  const http = require('http');
  const jwksClient = require('..');
  const key = createSigningKey('RS256', 'rsa-etag');
  const etag = '"keys-v1"';
  const seen = { full: 0, notModified: 0 };
  const server = http.createServer((req, res) => {
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'max-age=300');
    if (req.headers['if-none-match'] === etag) {
      seen.notModified += 1;
      res.statusCode = 304;
      res.end();
      return;
    }
    seen.full += 1;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [key.jwk] }));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const jwksUri = `http://127.0.0.1:${server.address().port}/jwks`;
    const client = jwksClient({ jwksUri, conditionalRequests: true, respectCacheControl: true });
    const first = await client.getSigningKey('rsa-etag');
    clockSkewMs += 299 * 1000;
    await client.getSigningKey('rsa-etag');
    const within = seen.full + seen.notModified;
    clockSkewMs += 2 * 1000;
    const again = await client.getSigningKey('rsa-etag');
    const { sub } = require('jsonwebtoken').verify(signWith(key, { sub: 'dave' }), again.getPublicKey());
    const { notModified } = client.stats();
    expect(seen.full === 1 && seen.notModified === 1 && again === first && sub === 'dave' && within === 1, 'a 304 revalidates the set');
    console.log('9. An endpoint sends ETag "keys-v1" and Cache-Control: max-age=300; a client with');
    console.log('   { conditionalRequests: true, respectCacheControl: true } keeps the set 5 minutes, not the default');
    console.log(`   10 (at 4:59, ${within} request in all); at 5:01 (clock moved) it revalidates: ${seen.full} full response,`);
    console.log(`   ${seen.notModified} "304 Not Modified" with no body,`);
    console.log(`   the same key object, which verifies dave's token; stats().notModified = ${notModified}.`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

async function main() {
  const idp = await startIdentityProvider();
  const api = await startApi(idp.jwksUri);
  console.log('jwks-rsa-native demo\n');
  console.log(`1. A local identity provider publishes ${idp.keys.map((k) => `${k.kid} (${k.alg})`).join(', ')}`);
  console.log(`   at ${idp.jwksUri}.`);
  console.log(`   An express API guards ${api.url} with express-jwt and expressJwtSecret`);
  console.log(`   ({ rateLimit: true, jwksRequestsPerMinute: ${RATE_LIMIT}, cacheMaxAgeFallback: 1 hour }).\n`);
  const context = { idp, api };
  try {
    for (const step of [firstFetch, cacheHits, ed25519Key, forgedKid, rotation, flood, endpointDown, revalidation]) {
      await step(context);
    }
    await refreshAheadStep(10, { advance: (ms) => (clockSkewMs += ms), expect });
    console.log(`\nIdentity provider requests in all: ${idp.requests}. The client behind the API, secret.client.stats():`);
    console.log(api.secret.client.stats());
  } finally {
    api.server.closeAllConnections();
    api.server.close();
    await idp.stop();
  }
}

main().catch((err) => {
  console.error(`\ndemo failed: ${err.message}`);
  process.exitCode = 1;
});
