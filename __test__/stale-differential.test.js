'use strict';

// cacheMaxEntries and cacheMaxAgeFallback against jwks-rsa 4.1.0: random
// sequences of lookups over more kids than cacheMaxEntries, hits and misses
// mixed, then an outage, under fake timers. Every lookup jwks-rsa answers
// during the outage is answered here with the same key (serving more is
// allowed). Every stale key it serves is served stale here, with the same
// onStaleCacheFallback arguments, unless this package did not even ask the
// endpoint: the whole set it fetched less than cacheMaxAge ago still lists
// the kid, so the key is fresh here. Before the outage, the lookups taken
// as loads (for recency, expiry and the stale store) are jwks-rsa's.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const upstream = require('jwks-rsa');
const native = require('..');
const { generate } = require('./helpers/keys');
const { startJwksServer } = require('./helpers/server');
const { withFakeTimers, seeded } = require('./helpers/fake-timers');
const { binding } = require('../lib/loader/native');

// More with JWKS_TEST_SEEDS=n.
const SEEDS = Number(process.env.JWKS_TEST_SEEDS) || 60;
const KIDS = Array.from({ length: 8 }, (_, i) => `k${i}`);
const keys = KIDS.map((kid) => generate('ES256', kid));
const implementations = { upstream, native };

// Which lookups this package takes as loads (misses of jwks-rsa's
// memoizer): the flag each one hands to native code.
const loads = [];
const nativeLookup = binding.NativeClient.prototype.lookup;

let server;
before(async () => {
  server = await startJwksServer(keys.map((k) => k.jwk));
  binding.NativeClient.prototype.lookup = function lookup(request) {
    if (!request.limiter?.waited) loads.push(request.load);
    return nativeLookup.call(this, request);
  };
});
after(() => {
  binding.NativeClient.prototype.lookup = nativeLookup;
  return server.close();
});

// jwks-rsa's PEMs lack the trailing newline Node's export writes (a
// difference listed in the README).
const pemOf = (key) => key.getPublicKey().trimEnd();

async function outcome(promise) {
  try {
    return { key: pemOf(await promise) };
  } catch (err) {
    return { error: `${err.name}: ${err.message}` };
  }
}

function clients(options) {
  const stale = { upstream: [], native: [] };
  const made = {};
  for (const [name, lib] of Object.entries(implementations)) {
    made[name] = lib({
      ...options,
      jwksUri: server.url,
      onStaleCacheFallback: (err, kid, key) =>
        stale[name].push({ err: `${err.name}: ${err.message}`, unavailable: err.isEndpointUnavailable, kid, key: pemOf(key) }),
    });
  }
  return { made, stale };
}

// Looks `kid` up in both; returns both outcomes and the stale calls each made.
async function lookUp({ made, stale }, kid) {
  const result = {};
  for (const name of Object.keys(implementations)) {
    const calls = stale[name].length;
    const requests = server.count;
    const flags = loads.length;
    result[name] = await outcome(made[name].getSigningKey(kid));
    result[name].stale = stale[name].slice(calls);
    result[name].asked = server.count > requests;
    // jwks-rsa fetches on each load; here a load says so to native code.
    result[name].load = name === 'upstream' ? result[name].asked : loads.slice(flags).includes(true);
  }
  return result;
}

async function runSeed(seed) {
  const random = seeded(seed);
  const maxEntries = 1 + random.int(4);
  const kids = KIDS.slice(0, maxEntries + 1 + random.int(3));
  const hot = random.pick(kids);
  const pick = () => (random.next() < 0.4 ? hot : random.pick(kids));
  const options = { cacheMaxEntries: maxEntries, cacheMaxAge: 1000, cacheMaxAgeFallback: 200 + random.int(3000) };
  const trail = [`seed ${seed}: ${JSON.stringify(options)}`];
  let served = 0;
  await withFakeTimers(async (clock) => {
    server.state.status = 200;
    const both = clients(options);
    for (let i = 30 + random.int(40); i > 0; i--) {
      const kid = pick();
      const result = await lookUp(both, kid);
      trail.push(`${kid}: ${result.upstream.error || 'key'}${result.upstream.load ? ' (load)' : ''}`);
      const { upstream: theirs, native: ours } = result;
      assert.deepEqual([ours.key, ours.error, ours.load], [theirs.key, theirs.error, theirs.load], trail.join('\n'));
      const advance = random.next() < 0.3 ? 0 : random.int(600);
      clock.advance(advance);
      trail.push(`+${advance} ms`);
    }
    server.state.status = 500;
    trail.push('outage');
    for (let i = 15; i > 0; i--) {
      const advance = random.int(900);
      clock.advance(advance);
      const kid = pick();
      const result = await lookUp(both, kid);
      const { upstream: theirs, native: ours } = result;
      const show = (o) => o.error || `key${o.stale.length ? ' (stale)' : ''}${o.asked ? '' : ' (not asked)'}`;
      trail.push(`+${advance} ms ${kid}: jwks-rsa ${show(theirs)}, here ${show(ours)}`);
      if (theirs.key) {
        served++;
        assert.equal(ours.key, theirs.key, trail.join('\n'));
      }
      if (theirs.stale.length && (ours.asked || ours.stale.length)) {
        assert.deepEqual(ours.stale, theirs.stale, trail.join('\n'));
      }
    }
  });
  return served;
}

test('during an outage every key jwks-rsa serves, stale or not, is served here (random seeds)', async () => {
  let served = 0;
  for (let seed = 1; seed <= SEEDS; seed++) served += await runSeed(seed);
  assert.ok(served > 0, 'the sequences reach the stale fallback');
});

test('the key in constant use survives an outage, as in jwks-rsa', async () => {
  await withFakeTimers(async (clock) => {
    server.state.status = 200;
    const both = clients({ cacheMaxAge: 300, cacheMaxAgeFallback: 10_000 });
    await lookUp(both, 'k0');
    for (const kid of KIDS.slice(1, 7)) await lookUp(both, kid);
    for (let i = 0; i < 200; i++) await lookUp(both, 'k0');
    server.state.status = 500;
    clock.advance(400);
    for (const kid of ['k0', 'k6']) {
      const { upstream: theirs, native: ours } = await lookUp(both, kid);
      assert.equal(theirs.stale.length, 1, `jwks-rsa serves ${kid} stale`);
      assert.deepEqual([ours.key, ours.stale], [theirs.key, theirs.stale], kid);
    }
  });
  server.state.status = 200;
});
