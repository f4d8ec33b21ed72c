'use strict';

// Soak run (`npm run soak`, not part of `npm test`): long and wide loads
// against an endpoint on 127.0.0.1, printing the process's RSS as they go,
// to show that memory stays flat. Sizes can be scaled down for a quick
// look: SOAK_SCALE=0.01 npm run soak.

const http = require('http');
const crypto = require('crypto');
const v8 = require('v8');
const vm = require('vm');
const jwksClient = require('..');

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
const scale = Number(process.env.SOAK_SCALE || 1);
const n = (count) => Math.max(1, Math.round(count * scale));

function rss() {
  return `${(process.memoryUsage().rss / 1024 / 1024).toFixed(1)} MiB`;
}

function settledRss() {
  gc();
  return rss();
}

function log(line) {
  process.stdout.write(`${line}\n`);
}

function publicJwk(kid) {
  const { publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' };
}

// An endpoint whose status the soak can flip, counting requests.
async function startEndpoint(keys) {
  const body = JSON.stringify({ keys });
  const state = { status: 200, requests: 0 };
  const server = http.createServer((req, res) => {
    state.requests++;
    res.statusCode = state.status;
    res.end(state.status === 200 ? body : 'unavailable');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    state,
    uri: `http://127.0.0.1:${server.address().port}/jwks.json`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

async function warmLookups(endpoint) {
  const total = n(10_000_000);
  const client = jwksClient({ jwksUri: endpoint.uri });
  await client.getSigningKey('k0');
  log(`10 M warm lookups (${total}): start ${settledRss()}`);
  const step = Math.max(1, Math.floor(total / 10));
  const batch = 1000;
  for (let done = 0; done < total; ) {
    const size = Math.min(batch, total - done);
    const lookups = new Array(size);
    for (let i = 0; i < size; i++) lookups[i] = client.getSigningKey('k0');
    await Promise.all(lookups);
    done += size;
    if (done % step === 0 || done === total) log(`  ${done} lookups: ${rss()}`);
  }
  log(`  end ${settledRss()}`);
}

async function clientsCreatedAndDropped(endpoint) {
  const total = n(100_000);
  log(`100,000 clients created, used once and dropped (${total}): start ${settledRss()}`);
  const step = Math.max(1, Math.floor(total / 5));
  const concurrent = 50;
  for (let done = 0; done < total; ) {
    const size = Math.min(concurrent, total - done);
    await Promise.all(Array.from({ length: size }, () => jwksClient({ jwksUri: endpoint.uri }).getSigningKey('k1')));
    done += size;
    if (done % step === 0 || done === total) log(`  ${done} clients: ${rss()}`);
  }
  log(`  end ${settledRss()} (${endpoint.state.requests} requests so far)`);
}

async function forgedKids(endpoint, rateLimit) {
  const total = n(100_000);
  const client = jwksClient({ jwksUri: endpoint.uri, rateLimit });
  const before = endpoint.state.requests;
  log(`100,000 forged kids at once, rateLimit: ${rateLimit} (${total}): start ${settledRss()}`);
  const results = await Promise.allSettled(Array.from({ length: total }, (_, i) => client.getSigningKey(`forged-${i}`)));
  const names = {};
  for (const r of results) names[r.reason.name] = (names[r.reason.name] || 0) + 1;
  log(`  settled ${rss()}: ${JSON.stringify(names)}, ${endpoint.state.requests - before} requests`);
  log(`  end ${settledRss()}`);
}

async function flapping(endpoint) {
  const seconds = Math.max(1, Math.round(60 * scale));
  const perSecond = 2000;
  const client = jwksClient({ jwksUri: endpoint.uri, cacheMaxAge: 500, cacheMaxAgeFallback: 60_000 });
  const counts = { ok: 0 };
  const before = endpoint.state.requests;
  log(`endpoint flapping 200/500 every second for ${seconds} s at ${perSecond} lookups/s: start ${settledRss()}`);
  const started = Date.now();
  for (let second = 0; second < seconds; second++) {
    endpoint.state.status = second % 2 === 0 ? 200 : 500;
    const tick = Date.now();
    const lookups = [];
    // Nine known kids for every unknown one, spread over the second.
    for (let slice = 0; slice < 10; slice++) {
      for (let i = 0; i < perSecond / 10; i++) {
        const kid = i % 10 === 0 ? `unknown-${second}-${slice}-${i}` : `k${i % 8}`;
        lookups.push(
          client.getSigningKey(kid).then(
            () => counts.ok++,
            (err) => {
              counts[err.name] = (counts[err.name] || 0) + 1;
            },
          ),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, tick + (slice + 1) * 100 - Date.now())));
    }
    await Promise.all(lookups);
    if ((second + 1) % 10 === 0 || second + 1 === seconds) log(`  ${second + 1} s: ${rss()} ${JSON.stringify(counts)}`);
  }
  endpoint.state.status = 200;
  log(`  end ${settledRss()} after ${((Date.now() - started) / 1000).toFixed(1)} s, ${endpoint.state.requests - before} requests`);
}

async function main() {
  const keys = Array.from({ length: 8 }, (_, i) => publicJwk(`k${i}`));
  const endpoint = await startEndpoint(keys);
  log(`node ${process.version}, scale ${scale}, baseline ${settledRss()}`);
  try {
    await warmLookups(endpoint);
    await clientsCreatedAndDropped(endpoint);
    await forgedKids(endpoint, false);
    await forgedKids(endpoint, true);
    await flapping(endpoint);
  } finally {
    await endpoint.close();
  }
  log(`final ${settledRss()}`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
