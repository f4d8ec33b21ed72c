'use strict';

// The cache contract against jwks-rsa 4.1.0 (README, "How the cache
// differs"), on random seeded sequences of lookups, clock jumps, key
// rotations, outages and rate limits. Each package runs the same sequence
// on its own endpoint under the same fake timers; step by step:
//   (a) every key served is a key the endpoint served for that kid;
//   (b) every lookup jwks-rsa answers with a key is answered with that key;
//   (c) a lookup jwks-rsa fails may be answered instead, with the last key
//       the endpoint served for that kid;
//   (d) when both fail, the error has jwks-rsa's class and message (a
//       refusal where jwks-rsa fetched, or the reverse, is the limiter's
//       own decision, checked by (e));
//   (e) requests never exceed jwks-rsa's, but for those a key saved under
//       (c) spends, and the limiter's rule holds (rate-limit-differential).

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const upstream = require('jwks-rsa');
const native = require('..');
const { generate } = require('./helpers/keys');
const { startJwksServer } = require('./helpers/server');
const { withFakeTimers, seeded } = require('./helpers/fake-timers');

// More with JWKS_TEST_SEEDS=n.
const SEEDS = Number(process.env.JWKS_TEST_SEEDS) || 40;
const KIDS = Array.from({ length: 8 }, (_, i) => `k${i}`);
const keys = Object.fromEntries(KIDS.map((kid) => [kid, generate('ES256', kid)]));
const implementations = { upstream, native };
// jwks-rsa's PEMs lack the trailing newline Node's export writes.
const pemOf = (key) => key.getPublicKey().trimEnd();
const PEM = Object.fromEntries(KIDS.map((kid) => [kid, keys[kid].pem.trimEnd()]));

const servers = {};
before(async () => {
  for (const name of Object.keys(implementations)) servers[name] = await startJwksServer([]);
});
after(() => Promise.all(Object.values(servers).map((s) => s.close())));

// The seed's plan: options, then steps that look up, move the clock,
// rotate the published set or start and end an outage.
function plan(seed) {
  const random = seeded(seed);
  const options = { cacheMaxEntries: 1 + random.int(5), cacheMaxAge: random.pick([1_000, 5_000, 60_000]) };
  if (random.next() < 0.5) options.cacheMaxAgeFallback = 500 + random.int(10_000);
  if (random.next() < 0.4) Object.assign(options, { rateLimit: true, jwksRequestsPerMinute: 1 + random.int(5) });
  let published = 3;
  let first = 0;
  const steps = [];
  for (let i = 40 + random.int(40); i > 0; i--) {
    const roll = random.next();
    if (roll < 0.55) {
      const live = KIDS.slice(first, published);
      const kid = random.next() < 0.8 ? random.pick(live) : random.pick([...KIDS.slice(0, first), `unknown-${i}`]);
      steps.push({ lookup: kid ?? `unknown-${i}` });
    } else if (roll < 0.8) {
      steps.push({ advance: random.pick([0, 1, 200, 999, 1_000, 1_001, 4_000, 30_000, 60_001, random.int(70_000)]) });
    } else if (roll < 0.92) {
      if (random.next() < 0.5 && published < KIDS.length) published++;
      else if (published - first > 1) first++;
      steps.push({ publish: KIDS.slice(first, published) });
    } else {
      steps.push({ outage: random.next() < 0.5 });
    }
  }
  return { options, initial: KIDS.slice(0, 3), steps };
}

// Runs one lookup to its end under the fake clock, letting the limiter's
// waits pass as jwks-rsa's do. lru-cache (jwks-rsa's memoizer) keeps a 1 ms
// timer to debounce its clock reads: moving the clock for it would age
// jwks-rsa's entries, so it is let pass only when nothing else can.
async function settle(promise, clock) {
  let done;
  promise.then(
    (key) => (done = { key: pemOf(key) }),
    (err) => (done = { error: `${err.name}: ${err.message}` }),
  );
  for (let turns = 0; done === undefined; turns++) {
    const delay = clock.pending().find((ms) => ms > 1) ?? (turns > 2_000 ? clock.pending()[0] : undefined);
    if (delay !== undefined) clock.advance(delay);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return done;
}

async function run(name, lib, { options, initial, steps }) {
  const server = servers[name];
  server.state.requests.length = 0;
  server.state.status = 200;
  server.state.keys = initial.map((kid) => keys[kid].jwk);
  const outcomes = [];
  await withFakeTimers(async (clock) => {
    const client = lib({ ...options, jwksUri: server.url });
    for (const step of steps) {
      if (step.advance !== undefined) clock.advance(step.advance);
      else if (step.publish) server.state.keys = step.publish.map((kid) => keys[kid].jwk);
      else if (step.outage !== undefined) server.state.status = step.outage ? 503 : 200;
      else outcomes.push({ kid: step.lookup, ...(await settle(client.getSigningKey(step.lookup), clock)), requests: server.count });
    }
  });
  return outcomes;
}

function check(seed, seedPlan, theirs, ours) {
  const where = (i) => `seed ${seed} ${JSON.stringify(seedPlan.options)}, lookup #${i} of ${theirs[i].kid}`;
  let saved = 0;
  for (let i = 0; i < theirs.length; i++) {
    const [t, o] = [theirs[i], ours[i]];
    if (o.key !== undefined) assert.equal(o.key, PEM[o.kid], `(a) ${where(i)}`);
    if (t.key !== undefined) assert.equal(o.key, t.key, `(b) ${where(i)}`);
    else if (o.key !== undefined) saved++;
    const limited = [t.error, o.error].some((e) => e?.startsWith('JwksRateLimitError'));
    if (t.error && o.error && !limited) assert.equal(o.error, t.error, `(d) ${where(i)}`);
    assert.ok(o.requests <= t.requests + saved, `(e) ${where(i)}: ${o.requests} requests against ${t.requests}`);
  }
}

test('random sequences of lookups, clock jumps, rotations, outages and rate limits keep the cache contract', async () => {
  let answered = 0;
  let failed = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    const seedPlan = plan(seed);
    const outcomes = {};
    for (const [name, lib] of Object.entries(implementations)) outcomes[name] = await run(name, lib, seedPlan);
    check(seed, seedPlan, outcomes.upstream, outcomes.native);
    answered += outcomes.upstream.filter((o) => o.key).length;
    failed += outcomes.upstream.filter((o) => o.error).length;
  }
  // The sequences reach both answers and failures of every kind.
  assert.ok(answered > 0 && failed > 0, `answered ${answered}, failed ${failed}`);
});
