'use strict';

// shareAcrossThreads with real worker threads: one fetch at start and one per
// refresh for all of them, whatever thread comes and goes.

const { test, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('child_process');
const path = require('path');
const jwksClient = require('..');
const { backend } = require('../lib/loader/native');
const { generate } = require('./helpers/keys');
const { signToken } = require('./helpers/tokens');
const { startJwksServer, until } = require('./helpers/server');
const { startWorker, startWorkers } = require('./helpers/threads');

const native = backend === 'native';
const skip = native ? false : 'the WebAssembly backend does not share across threads';
const key = generate('RS256', 'k1');
const MAX_AGE = 60_000;

let server;
before(async () => {
  server = await startJwksServer([key.jwk]);
});
after(() => server.close());
beforeEach(() => {
  server.state.requests.length = 0;
  server.state.keys = [key.jwk];
});

// Options unique to each test, so no test finds another's shared set.
let serial = 0;
function sharedOptions(extra = {}) {
  return {
    jwksUri: `${server.url}?t=${++serial}`,
    cacheMaxAge: MAX_AGE,
    shareAcrossThreads: true,
    ...extra,
  };
}

// Resolves once `n` lookups wait on (or started) the shared fetch, as the
// shared set's own counters tell a client of this thread that joined it, or
// once the server has seen more than `requests` requests (nothing shared:
// the test's count then fails rather than waits).
function joined(observer, n, requests) {
  return until(() => {
    const { fetches, coalesced } = observer.stats();
    return fetches + coalesced >= n || server.count > requests;
  });
}

// Runs Node in a child process, this thread staying free to serve its fetches.
function runNode(args, env = {}) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, out, err })));
}

const stopAll = (workers) => Promise.all(workers.map((w) => w.terminate()));

test('8 cold workers make 1 request, and an expired set is 1 request for all', { skip }, async () => {
  const options = sharedOptions();
  const observer = jwksClient(options);
  const workers = await startWorkers(8, options);
  try {
    const release = server.hold();
    const first = workers.map((w) => w.call('verify', { token: signToken(key) }));
    await joined(observer, 8, 1);
    release();
    assert.deepEqual(await Promise.all(first), Array(8).fill('user-1'));
    assert.equal(server.count, 1);

    await Promise.all(workers.map((w) => w.call('skew', { ms: MAX_AGE + 1 })));
    const releaseRefresh = server.hold();
    const refreshed = workers.map((w) => w.call('key', { kid: 'k1' }));
    await joined(observer, 16, 2);
    releaseRefresh();
    assert.deepEqual(await Promise.all(refreshed), Array(8).fill(key.pem));
    assert.equal(server.count, 2);
  } finally {
    await stopAll(workers);
  }
});

test('a refresh made by one worker is seen by the others without a fetch', { skip }, async () => {
  const options = sharedOptions();
  const workers = await startWorkers(4, options);
  try {
    await Promise.all(workers.map((w) => w.call('key', { kid: 'k1' })));
    assert.equal(server.count, 1);
    await workers[0].call('skew', { ms: MAX_AGE + 1 });
    assert.equal(await workers[0].call('key', { kid: 'k1' }), key.pem);
    assert.equal(server.count, 2);
    // The others' keys expire later: the set workers[0] fetched answers them.
    await Promise.all(workers.map((w) => w.call('skew', { ms: MAX_AGE + 2 })));
    const later = await Promise.all(workers.map((w) => w.call('key', { kid: 'k1' })));
    assert.deepEqual(later, Array(4).fill(key.pem));
    assert.equal(server.count, 2);
  } finally {
    await stopAll(workers);
  }
});

test('a worker terminated mid-fetch leaves the others settling', { skip }, async () => {
  const options = sharedOptions();
  const observer = jwksClient(options);
  const starter = await startWorker(options);
  const others = await startWorkers(3, options);
  try {
    const release = server.hold();
    // The starter's lookup begins the fetch; its thread dies while it is held.
    starter.call('key', { kid: 'k1' }).catch(() => {});
    await server.requested(1);
    const waiting = others.map((w) => w.call('key', { kid: 'k1' }));
    await joined(observer, 4, 1);
    await starter.terminate();
    await starter.exited;
    release();
    assert.deepEqual(await Promise.all(waiting), Array(3).fill(key.pem));
    assert.equal(await observer.getSigningKey('k1').then((k) => k.getPublicKey()), key.pem);
    assert.equal(server.count, 1);
  } finally {
    await stopAll(others);
  }
});

test('without the option each worker fetches, as with jwks-rsa', async () => {
  const options = { jwksUri: `${server.url}?t=${++serial}`, cacheMaxAge: MAX_AGE };
  const workers = await startWorkers(8, options);
  try {
    const release = server.hold();
    const got = workers.map((w) => w.call('key', { kid: 'k1' }));
    await server.requested(8);
    release();
    assert.deepEqual(await Promise.all(got), Array(8).fill(key.pem));
    assert.equal(server.count, 8);
  } finally {
    await stopAll(workers);
  }
});

test('clients with different fetch options do not share', { skip }, async () => {
  const base = sharedOptions();
  const variants = [
    base,
    { ...base },
    { ...base, requestHeaders: { 'x-tenant': 'a' } },
    { ...base, cacheMaxAge: MAX_AGE + 1 },
    { ...base, timeout: 5000 },
    { ...base, rateLimit: true },
    { ...base, jwksUri: `${base.jwksUri}&other` },
  ];
  const workers = await Promise.all(variants.map((options) => startWorker(options)));
  try {
    await Promise.all(workers.map((w) => w.call('key', { kid: 'k1' })));
    assert.equal(server.count, variants.length - 1, 'only the two identical clients share');
  } finally {
    await stopAll(workers);
  }
});

test('clients whose source is JavaScript do not share', { skip }, async () => {
  const base = sharedOptions();
  const agent = new (require('http').Agent)();
  const withAgent = jwksClient({ ...base, requestAgent: agent });
  const intercepted = jwksClient({ ...base, getKeysInterceptor: async () => [] });
  await withAgent.getSigningKey('k1');
  // Shared, this lookup would be answered by the set the first one fetched.
  await intercepted.getSigningKey('k1');
  assert.equal(server.count, 2);
});

test('the rate limiter is shared: a second worker is refused once the budget is spent', { skip }, async () => {
  const options = sharedOptions({ rateLimit: true, jwksRequestsPerMinute: 1 });
  const [first, second] = await startWorkers(2, options);
  try {
    assert.equal(await first.call('key', { kid: 'k1' }), key.pem);
    await assert.rejects(second.call('key', { kid: 'unknown' }), {
      name: 'JwksRateLimitError',
      message: 'Too many requests to the JWKS endpoint',
    });
    assert.equal(server.count, 1);
  } finally {
    await stopAll([first, second]);
  }
});

// Polls each worker until `done(health)` holds for all of them.
async function allHealth(workers, done) {
  for (const w of workers) {
    while (!done(await w.call('health'), w)) await new Promise((resolve) => setImmediate(resolve));
  }
}

test('8 sharing workers with refreshAhead make 1 request per window', { skip }, async () => {
  const options = sharedOptions({ refreshAhead: 10_000 });
  // Sees the shared set's own counters: lookups the workers' memos answer are not among them.
  const observer = jwksClient(options);
  const workers = await startWorkers(8, options);
  try {
    for (const w of workers) await w.call('key', { kid: 'k1' });
    assert.equal(server.count, 1);
    const { lastFetchAt } = await workers[0].call('health');
    // Every memo now holds k1 within its window.
    await Promise.all(workers.map((w) => w.call('skew', { ms: MAX_AGE - 5_000 })));
    const release = server.hold();
    await workers[0].call('key', { kid: 'k1' });
    await server.requested(2);
    release();
    await allHealth([workers[0]], (h) => h.lastFetchAt > lastFetchAt);
    // The others' refresh-ahead finds the shared set out of its window: no fetch.
    for (const w of workers.slice(1)) await w.call('key', { kid: 'k1' });
    await allHealth(workers, (h) => h.fresh);
    assert.equal(server.count, 2);
    // Their memo entries were renewed with the set: past the old expiry
    // each worker still answers from its memo, asking neither the shared set nor the endpoint.
    const asked = observer.stats().cacheHits;
    await Promise.all(workers.map((w) => w.call('skew', { ms: MAX_AGE + 5_000 })));
    for (const w of workers) await w.call('key', { kid: 'k1' });
    assert.equal(observer.stats().cacheHits, asked);
    assert.equal(server.count, 2);
  } finally {
    await stopAll(workers);
  }
});

test('8 sharing workers with backgroundRefresh make 1 request per period', { skip }, async () => {
  // A long period: a second refresh would need the workers' timers to start
  // 2.4 s apart (their runs span the period's 20% of jitter plus that spread).
  const options = sharedOptions({ backgroundRefresh: 4_000 });
  const workers = await startWorkers(8, options);
  try {
    for (const w of workers) await w.call('key', { kid: 'k1' });
    assert.equal(server.count, 1);
    const first = await Promise.all(workers.map((w) => w.call('health')));
    // Each worker's timer has run once (it set its next run) within one period.
    await allHealth(workers, (h, w) => h.nextRefreshAt > first[workers.indexOf(w)].nextRefreshAt);
    await Promise.all(workers.map((w) => w.call('key', { kid: 'k1' })));
    assert.ok(server.count <= 2, `${server.count} requests`);
  } finally {
    await stopAll(workers);
  }
});

// In a process of its own, where no other test's clients are counted.
test('the shared set is dropped when the last thread holding it exits', { skip }, async () => {
  const script = `
    const { startWorkers } = require(${JSON.stringify(path.join(__dirname, 'helpers', 'threads'))});
    const { binding } = require(${JSON.stringify(path.join(__dirname, '..', 'lib', 'loader', 'native'))});
    (async () => {
      const workers = await startWorkers(3, { jwksUri: ${JSON.stringify(server.url)} + '?exits', shareAcrossThreads: true });
      await Promise.all(workers.map((w) => w.call('key', { kid: 'k1' })));
      const counts = [binding.sharedClients()];
      await workers[0].terminate();
      counts.push(binding.sharedClients());
      await Promise.all(workers.slice(1).map((w) => w.terminate()));
      counts.push(binding.sharedClients());
      console.log(counts.join(' '));
    })();
  `;
  assert.deepEqual(await runNode(['-e', script]), { code: 0, signal: null, out: '1 1 0\n', err: '' });
  assert.equal(server.count, 1);
});

// The environment's cleanup hook gives its leases back, whether or not the
// clients' finalizers run after it.
test('a worker ending itself with process.exit() gives its shared sets back', { skip }, async () => {
  const script = `
    const { startWorkers } = require(${JSON.stringify(path.join(__dirname, 'helpers', 'threads'))});
    const { binding } = require(${JSON.stringify(path.join(__dirname, '..', 'lib', 'loader', 'native'))});
    (async () => {
      const workers = await startWorkers(2, { jwksUri: ${JSON.stringify(server.url)} + '?self-exit', shareAcrossThreads: true });
      await workers[0].call('hold', { uris: [${JSON.stringify(server.url)} + '?self-exit-own'] });
      const counts = [binding.sharedClients()];
      workers[0].call('exit', { code: 3 });
      counts.push(await workers[0].exited, binding.sharedClients());
      workers[1].call('exit', { code: 0 });
      counts.push(await workers[1].exited, binding.sharedClients(), binding.leasesReleasedAtTeardown());
      console.log(counts.join(' '));
    })();
  `;
  assert.deepEqual(await runNode(['-e', script]), { code: 0, signal: null, out: '2 3 1 0 0 3\n', err: '' });
});

test('a worker terminated while holding many shared clients gives them all back', { skip }, async () => {
  const script = `
    const { startWorker } = require(${JSON.stringify(path.join(__dirname, 'helpers', 'threads'))});
    const { binding } = require(${JSON.stringify(path.join(__dirname, '..', 'lib', 'loader', 'native'))});
    (async () => {
      const worker = await startWorker({ jwksUri: ${JSON.stringify(server.url)} + '?many', shareAcrossThreads: true });
      const uris = Array.from({ length: 200 }, (_, i) => ${JSON.stringify(server.url)} + '?many=' + i);
      await worker.call('hold', { uris });
      await worker.call('hold', { uris });
      const held = binding.sharedClients();
      await worker.terminate();
      console.log(held, binding.sharedClients(), binding.leasesReleasedAtTeardown());
    })();
  `;
  assert.deepEqual(await runNode(['-e', script]), { code: 0, signal: null, out: '201 0 401\n', err: '' });
  assert.equal(server.count, 0);
});

test('a shared set no client holds any more is dropped on collection', { skip }, async () => {
  const script = `
    const jwksClient = require(${JSON.stringify(path.join(__dirname, '..'))});
    const { binding } = require(${JSON.stringify(path.join(__dirname, '..', 'lib', 'loader', 'native'))});
    (async () => {
      let client = jwksClient({ jwksUri: ${JSON.stringify(server.url)} + '?gc', shareAcrossThreads: true });
      await client.getSigningKey('k1');
      const held = binding.sharedClients();
      client = undefined;
      for (let i = 0; i < 100 && binding.sharedClients() > 0; i++) {
        globalThis.gc();
        await new Promise((resolve) => setImmediate(resolve));
      }
      console.log(held, binding.sharedClients());
    })();
  `;
  const run = await runNode(['--expose-gc', '-e', script]);
  assert.deepEqual(run, { code: 0, signal: null, out: '1 0\n', err: '' });
});

test('the process exits cleanly with shared clients alive in workers and a fetch in flight', { skip }, async () => {
  const script = `
    const { startWorkers } = require(${JSON.stringify(path.join(__dirname, 'helpers', 'threads'))});
    (async () => {
      const workers = await startWorkers(4, { jwksUri: ${JSON.stringify(server.url)} + '?exit', shareAcrossThreads: true });
      await Promise.all(workers.map((w) => w.call('key', { kid: 'k1' })));
      workers.forEach((w) => w.call('skew', { ms: 700000 }).then(() => w.call('key', { kid: 'k1' })));
      process.stdout.write('asked\\n', () => process.exit(0));
    })();
  `;
  const run = runNode(['-e', script]);
  // The refresh the workers start is held until the process has exited.
  await server.requested(1);
  const release = server.hold();
  const result = await run;
  release();
  assert.deepEqual(result, { code: 0, signal: null, out: 'asked\n', err: '' });
});

test('while nock intercepts Node http, a sharing client fetches through it', { skip }, async () => {
  const script = `
    const nock = require('nock');
    const jwksClient = require(${JSON.stringify(path.join(__dirname, '..'))});
    const jwk = ${JSON.stringify(key.jwk)};
    (async () => {
      const scope = nock('http://issuer.invalid').get('/jwks').reply(200, { keys: [jwk] });
      const client = jwksClient({ jwksUri: 'http://issuer.invalid/jwks', shareAcrossThreads: true });
      const key = await client.getSigningKey('k1');
      console.log(key.kid, scope.isDone());
    })();
  `;
  assert.deepEqual(await runNode(['-e', script]), { code: 0, signal: null, out: 'k1 true\n', err: '' });
});

test('DEBUG=jwks says whether a client shares, and why not', { skip }, async () => {
  const script = `
    const jwksClient = require(${JSON.stringify(path.join(__dirname, '..'))});
    jwksClient({ jwksUri: 'http://127.0.0.1:1/jwks', shareAcrossThreads: true });
    jwksClient({ jwksUri: 'http://127.0.0.1:1/jwks', shareAcrossThreads: true, fetcher: async () => ({ keys: [] }) });
    jwksClient({ jwksUri: 'http://127.0.0.1:1/jwks', shareAcrossThreads: true, getKeysInterceptor: async () => [] });
    const store = { get: async () => null, set: async () => {} };
    jwksClient({ jwksUri: 'http://127.0.0.1:1/jwks', shareAcrossThreads: true, sharedCache: { store } });
    jwksClient({ jwksUri: 'http://127.0.0.1:1/jwks' });
  `;
  const run = await runNode(['-e', script], { DEBUG: 'jwks' });
  const lines = run.err
    .split('\n')
    .filter((l) => /sharing/i.test(l))
    .map((l) => l.replace(/^.*jwks /, ''));
  assert.deepEqual(lines, [
    "Sharing keys across threads for 'http://127.0.0.1:1/jwks'",
    'Not sharing keys across threads: a fetcher runs in the thread that made it',
    'Not sharing keys across threads: a getKeysInterceptor runs in the thread that made it',
    'Not sharing keys across threads: a sharedCache store runs in the thread that made it',
  ]);
});
