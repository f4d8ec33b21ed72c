'use strict';

// jwksRequestsPerMinute against jwks-rsa 4.1.0's limiter: random sequences
// of misses and clock moves, each run once per package under the same fake
// timers; every miss must be admitted, refused, or made to wait exactly
// alike. Caching is off, so that every lookup is a miss in both.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const upstream = require('jwks-rsa');
const native = require('..');
const { generate } = require('./helpers/keys');
const { startJwksServer } = require('./helpers/server');
const { withFakeTimers, seeded } = require('./helpers/fake-timers');

// More with JWKS_TEST_SEEDS=n.
const SEEDS = Number(process.env.JWKS_TEST_SEEDS) || 60;
const implementations = { upstream, native };
const key = generate('ES256', 'k0');

let server;
before(async () => {
  server = await startJwksServer([key.jwk]);
});
after(() => server.close());

// Runs one lookup to its end under the fake clock. A limiter that makes it
// wait sets a timer: the clock then moves by exactly that delay.
async function settle(promise, clock) {
  let done;
  promise.then(
    () => (done = 'key'),
    (err) => (done = `${err.name}: ${err.message}`),
  );
  const waits = [];
  while (done === undefined) {
    const [delay] = clock.pending();
    if (delay !== undefined) {
      waits.push(delay);
      clock.advance(delay);
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  return waits.length ? `${done} after waiting ${waits.join(' + ')} ms` : done;
}

// The seed's plan: the limiter's budget, which clocks move, and the misses.
function plan(seed) {
  const random = seeded(seed);
  const steps = Array.from({ length: 30 + random.int(30) }, (_, i) => ({
    advance: random.pick([0, 0, 1, 500, 15_000, 29_999, 30_000, 59_999, 60_000, 60_001, random.int(20_000), random.int(90_000)]),
    kid: random.next() < 0.5 ? 'k0' : `unknown-${i}`,
  }));
  return { perMinute: 1 + random.int(4), monotonic: seed % 5 !== 0, steps };
}

async function run(lib, { perMinute, monotonic, steps }) {
  const outcomes = [];
  await withFakeTimers(
    async (clock) => {
      const client = lib({ jwksUri: server.url, cache: false, rateLimit: true, jwksRequestsPerMinute: perMinute });
      for (const { advance, kid } of steps) {
        clock.advance(advance);
        outcomes.push(`+${advance} ms ${kid}: ${await settle(client.getSigningKey(kid), clock)}`);
      }
    },
    { monotonic },
  );
  return outcomes;
}

test('every miss is admitted, refused or held exactly as by jwks-rsa', async () => {
  let held = 0;
  let refused = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    const seedPlan = plan(seed);
    const outcomes = {};
    for (const [name, lib] of Object.entries(implementations)) outcomes[name] = await run(lib, seedPlan);
    assert.deepEqual(outcomes.native, outcomes.upstream, `seed ${seed} (jwksRequestsPerMinute ${seedPlan.perMinute})`);
    held += outcomes.upstream.filter((o) => o.includes('after waiting')).length;
    refused += outcomes.upstream.filter((o) => o.includes('JwksRateLimitError')).length;
  }
  // The sequences do reach every branch of the limiter.
  assert.ok(held > 0 && refused > 0, `held ${held}, refused ${refused}`);
});

test('two fetches a minute: the third unknown kid 31 s later is refused, as by jwks-rsa', async () => {
  for (const [name, lib] of Object.entries(implementations)) {
    await withFakeTimers(async (clock) => {
      const client = lib({ jwksUri: server.url, rateLimit: true, jwksRequestsPerMinute: 2 });
      const requests = server.count;
      await assert.rejects(client.getSigningKey('unknown-1'), { name: 'SigningKeyNotFoundError' }, name);
      await assert.rejects(client.getSigningKey('unknown-2'), { name: 'SigningKeyNotFoundError' }, name);
      assert.equal(server.count, requests + 2, name);
      clock.advance(31_000);
      await assert.rejects(client.getSigningKey('unknown-3'), { name: 'JwksRateLimitError' }, name);
      clock.advance(10_000);
      await assert.rejects(client.getSigningKey('unknown-4'), { name: 'JwksRateLimitError' }, name);
      assert.equal(server.count, requests + 2, name);
    });
  }
});
