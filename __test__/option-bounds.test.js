'use strict';

// The numeric options this package adds (minCacheAge, refreshAhead,
// backgroundRefresh, unknownKidCooldown, maxResponseBytes,
// sharedCache.commandTimeout) refuse a value outside their range at
// construction, naming the option and the range, instead of replacing it
// with another; jwks-rsa's own options keep jwks-rsa's handling. Also: the
// background timer never overflows Node's timer limit, health() never
// reports a time beyond Date's range, and `issuer` and `sharedCache.redis`
// are refused when they carry what the client would ignore.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const net = require('net');
const jwksClient = require('..');
const { ArgumentError } = jwksClient;
const { nativeConfig } = require('../lib/config/options');
const { backend } = require('../lib/loader/native');
const { generate } = require('./helpers/keys');
const { startJwksServer } = require('./helpers/server');
const { startRevalidatingServer } = require('./helpers/revalidating');
const { startProvider } = require('./helpers/oidc-provider');
const { withClock } = require('./helpers/clock');

const nativeOnly = backend === 'wasm' && 'the WebAssembly build has no sharedCache';
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_TIMER = 2 ** 31 - 1;

const a = generate('RS256', 'a');
let server;
before(async () => {
  server = await startJwksServer([a.jwk]);
});
after(() => server.close());

function refused(options, message) {
  assert.throws(
    () => jwksClient({ jwksUri: server.url, ...options }),
    (err) => {
      assert.ok(err instanceof ArgumentError, `${err.name}: ${err.message}`);
      assert.equal(err.message, message);
      return true;
    },
  );
}

const store = () => ({ get: async () => null, set: async () => {} });
const ms = (name, min, max, got) => `${name} must be a whole number of milliseconds from ${min} to ${max}, got ${got}`;
const shared = (min, max, got) =>
  `Invalid sharedCache option: \`commandTimeout\` must be a whole number of milliseconds from ${min} to ${max}, got ${got}`;

const OUT_OF_RANGE = [
  [{ respectCacheControl: true, minCacheAge: 0.5 }, ms('minCacheAge', 0, MAX_SAFE, '0.5')],
  [{ respectCacheControl: true, minCacheAge: -5 }, ms('minCacheAge', 0, MAX_SAFE, '-5')],
  [{ minCacheAge: Number.NaN }, ms('minCacheAge', 0, MAX_SAFE, 'NaN')],
  [{ minCacheAge: Infinity }, ms('minCacheAge', 0, MAX_SAFE, 'Infinity')],
  [{ minCacheAge: 2 ** 53 }, ms('minCacheAge', 0, MAX_SAFE, '9007199254740992')],
  [{ minCacheAge: '30000' }, ms('minCacheAge', 0, MAX_SAFE, '"30000"')],
  [{ minCacheAge: 10n }, ms('minCacheAge', 0, MAX_SAFE, '10n')],
  [{ unknownKidCooldown: 0.5 }, ms('unknownKidCooldown', 0, MAX_SAFE, '0.5')],
  [{ unknownKidCooldown: -1 }, ms('unknownKidCooldown', 0, MAX_SAFE, '-1')],
  [{ unknownKidCooldown: true }, ms('unknownKidCooldown', 0, MAX_SAFE, 'true')],
  [{ maxResponseBytes: 0 }, 'maxResponseBytes must be a whole number of bytes from 1 to 9007199254740991, got 0'],
  [{ maxResponseBytes: 0.5 }, 'maxResponseBytes must be a whole number of bytes from 1 to 9007199254740991, got 0.5'],
  [{ maxResponseBytes: 2.7 }, 'maxResponseBytes must be a whole number of bytes from 1 to 9007199254740991, got 2.7'],
  [{ maxResponseBytes: Infinity }, 'maxResponseBytes must be a whole number of bytes from 1 to 9007199254740991, got Infinity'],
  [{ refreshAhead: -5 }, `refreshAhead must be true or a whole number of milliseconds from 0 to ${MAX_SAFE}, got -5`],
  [{ refreshAhead: 0.5 }, `refreshAhead must be true or a whole number of milliseconds from 0 to ${MAX_SAFE}, got 0.5`],
  [{ refreshAhead: 'soon' }, `refreshAhead must be true or a whole number of milliseconds from 0 to ${MAX_SAFE}, got "soon"`],
  [{ backgroundRefresh: 10 }, `backgroundRefresh must be 0 or a whole number of milliseconds from 1000 to ${MAX_TIMER}, got 10`],
  [{ backgroundRefresh: 999.5 }, `backgroundRefresh must be 0 or a whole number of milliseconds from 1000 to ${MAX_TIMER}, got 999.5`],
  [
    { backgroundRefresh: 2592000000 },
    `backgroundRefresh must be 0 or a whole number of milliseconds from 1000 to ${MAX_TIMER}, got 2592000000`,
  ],
  [
    { backgroundRefresh: Infinity },
    `backgroundRefresh must be 0 or a whole number of milliseconds from 1000 to ${MAX_TIMER}, got Infinity`,
  ],
  [{ backgroundRefresh: {} }, `backgroundRefresh must be 0 or a whole number of milliseconds from 1000 to ${MAX_TIMER}, got {}`],
];

for (const [options, message] of OUT_OF_RANGE) {
  const shown = Object.entries(options)
    .map(([k, v]) => `${k}: ${typeof v === 'bigint' ? `${v}n` : String(v)}`)
    .join(', ');
  test(`{ ${shown} } is refused: ${message}`, () => refused(options, message));
}

test('sharedCache.commandTimeout above the fetch timeout, or below 1 ms, is refused', { skip: nativeOnly }, () => {
  refused({ timeout: 1000, sharedCache: { store: store(), commandTimeout: 8000 } }, shared(1, 1000, '8000'));
  refused({ sharedCache: { store: store(), commandTimeout: 1e9 } }, shared(1, 30000, '1000000000'));
  refused({ sharedCache: { store: store(), commandTimeout: 0 } }, shared(1, 30000, '0'));
  refused({ sharedCache: { store: store(), commandTimeout: 2.5 } }, shared(1, 30000, '2.5'));
  refused({ sharedCache: { store: store(), commandTimeout: Infinity } }, shared(1, 30000, 'Infinity'));
  // The bound is the timeout as the client reads it (jwks-rsa's handling: falsy is 30 s).
  refused({ timeout: 0, sharedCache: { store: store(), commandTimeout: 30001 } }, shared(1, 30000, '30001'));
  assert.doesNotThrow(() => jwksClient({ jwksUri: server.url, timeout: 1000, sharedCache: { store: store(), commandTimeout: 1000 } }));
});

test('without commandTimeout, a timeout below 500 ms is the bound of each store command', { skip: nativeOnly }, () => {
  assert.doesNotThrow(() => jwksClient({ jwksUri: server.url, timeout: 300, sharedCache: { store: store() } }));
});

test('a Redis that accepts and never answers delays a cold lookup by at most the timeout, with the largest commandTimeout', {
  skip: nativeOnly,
}, async () => {
  const sockets = new Set();
  const silent = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const redis = `redis://127.0.0.1:${silent.address().port}`;
  const T = 300;
  try {
    refused({ timeout: T, sharedCache: { redis, commandTimeout: T + 1 } }, shared(1, T, String(T + 1)));
    const client = jwksClient({ jwksUri: server.url, timeout: T, sharedCache: { redis, commandTimeout: T } });
    const started = Date.now();
    const key = await client.getSigningKey('a');
    const elapsed = Date.now() - started;
    assert.equal(key.kid, 'a');
    assert.ok(elapsed >= T - 20 && elapsed < T + 400, `the lookup took ${elapsed} ms`);
    assert.equal(client.stats().sharedErrors, 1);
    assert.ok(sockets.size >= 1, 'the client did connect to the silent Redis');
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  }
});

test('absent options (undefined or null) keep their defaults; 0 keeps its meaning', () => {
  const read = (options) => nativeConfig({ jwksUri: 'http://127.0.0.1/', ...options }).config;
  for (const absent of [undefined, null]) {
    const config = read({ respectCacheControl: true, minCacheAge: absent, unknownKidCooldown: absent, maxResponseBytes: absent });
    assert.equal(config.minCacheAge, 30000);
    assert.equal(config.unknownKidCooldown, 0);
    assert.equal(config.maxResponseBytes, 1 << 20);
    assert.doesNotThrow(() => jwksClient({ jwksUri: server.url, refreshAhead: absent, backgroundRefresh: absent }));
  }
  assert.equal(read({ unknownKidCooldown: 0 }).unknownKidCooldown, 0, 'off');
  assert.equal(read({ unknownKidCooldown: MAX_SAFE }).unknownKidCooldown, MAX_SAFE);
  assert.equal(read({ maxResponseBytes: 1 }).maxResponseBytes, 1);
  for (const off of [0, false]) {
    assert.doesNotThrow(() => jwksClient({ jwksUri: server.url, refreshAhead: off, backgroundRefresh: off }));
  }
  const client = jwksClient({ jwksUri: server.url, backgroundRefresh: 1000, refreshAhead: true });
  client.close();
});

test("jwks-rsa's own options keep its handling: an odd timeout is still 30 s, no ArgumentError", () => {
  const read = (options) => nativeConfig({ jwksUri: 'http://127.0.0.1/', ...options }).config;
  for (const timeout of [0, 0.5, -1, 'soon', null]) {
    assert.equal(read({ timeout }).timeout, 30000, String(timeout));
    assert.doesNotThrow(() => jwksClient({ jwksUri: server.url, timeout }));
  }
  assert.equal(read({ timeout: Infinity }).timeout, MAX_TIMER);
});

test('minCacheAge: 0 is no floor: a set with max-age=0 is fetched again the next millisecond', async () => {
  const origin = await startRevalidatingServer([a.jwk], { 'Cache-Control': 'max-age=0' });
  try {
    await withClock(async (advance) => {
      const client = jwksClient({ jwksUri: origin.url, respectCacheControl: true, minCacheAge: 0 });
      await client.getSigningKey('a');
      assert.ok(client.health().nextRefreshAt - client.health().lastFetchAt <= 1, 'no 30 s floor');
      advance(2);
      await client.getSigningKey('a');
      assert.equal(origin.count, 2);
    });
  } finally {
    await origin.close();
  }
});

test('20 clients with the longest backgroundRefresh make no request in the first second, and no TimeoutOverflowWarning', async () => {
  const warnings = [];
  const onWarning = (warning) => warnings.push(warning);
  process.on('warning', onWarning);
  const counting = await startJwksServer([a.jwk]);
  const clients = [];
  try {
    for (let i = 0; i < 20; i++) clients.push(jwksClient({ jwksUri: counting.url, backgroundRefresh: MAX_TIMER }));
    for (const client of clients) {
      const next = client.health().nextRefreshAt - Date.now();
      assert.ok(next > MAX_TIMER * 0.89 && next <= MAX_TIMER, `next run in ${next} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(counting.count, 0);
    assert.deepEqual(
      warnings.map((w) => `${w.name}: ${w.message}`),
      [],
    );
  } finally {
    for (const client of clients) client.close();
    process.off('warning', onWarning);
    await counting.close();
  }
});

test("health().nextRefreshAt of a set that never expires is null, never a time beyond Date's range", async () => {
  const origin = await startRevalidatingServer([a.jwk], { 'Cache-Control': 'max-age=18446744073709551615' });
  try {
    const client = jwksClient({ jwksUri: origin.url, cacheMaxAge: 0, respectCacheControl: true });
    await client.getSigningKey('a');
    const health = client.health();
    assert.equal(health.fresh, true);
    assert.equal(health.nextRefreshAt, null);
    const ahead = jwksClient({ jwksUri: origin.url, cacheMaxAge: 0, respectCacheControl: true, refreshAhead: 1000 });
    await ahead.getSigningKey('a');
    assert.equal(ahead.health().nextRefreshAt, null);
    const timed = jwksClient({ jwksUri: origin.url, cacheMaxAge: 0, respectCacheControl: true, backgroundRefresh: 60000 });
    await timed.getSigningKey('a');
    const next = timed.health().nextRefreshAt;
    assert.ok(Number.isFinite(next) && !Number.isNaN(new Date(next).getTime()), `the timer's run: ${next}`);
    timed.close();
  } finally {
    await origin.close();
  }
});

const ISSUER_MESSAGE = 'The issuer must be an http: or https: URL without query or fragment, got ';
for (const [issuer, shown] of [
  ['http://h/#', '"http://h/#"'],
  ['http://h/?', '"http://h/?"'],
  ['https://t.example?', '"https://t.example?"'],
  ['https://t.example/path#', '"https://t.example/path#"'],
  [10n, '10n'],
  [Symbol('s'), 'Symbol(s)'],
]) {
  test(`issuer ${shown} is an ArgumentError at construction`, () => {
    assert.throws(
      () => jwksClient({ issuer }),
      (err) => {
        assert.ok(err instanceof ArgumentError, `${err.name}: ${err.message}`);
        assert.equal(err.message, ISSUER_MESSAGE + shown);
        return true;
      },
    );
  });
}

test('an issuer with an upper-case HTTP scheme may name an http: jwks_uri, as http: may', async () => {
  const provider = await startProvider();
  try {
    const issuer = `${provider.origin.replace('http:', 'HTTP:')}/upper/`;
    provider.serve('/upper/.well-known/openid-configuration', { issuer, jwks_uri: `${provider.origin}/upper/keys` });
    provider.serve('/upper/keys', { keys: [a.jwk] });
    const key = await jwksClient({ issuer }).getSigningKey('a');
    assert.equal(key.kid, 'a');
  } finally {
    await provider.close();
  }
});

const REDIS_INVALID = [
  ['redis://127.0.0.1:0', 'the port of `redis` must be from 1 to 65535'],
  ['rediss://[::1]:0/1', 'the port of `redis` must be from 1 to 65535'],
  ['redis://127.0.0.1:6379/0?db=2', '`redis` must have no query or fragment (the database is its path: redis://host:6379/2)'],
  ['redis://127.0.0.1:6379?', '`redis` must have no query or fragment (the database is its path: redis://host:6379/2)'],
  ['redis://127.0.0.1:6379/#', '`redis` must have no query or fragment (the database is its path: redis://host:6379/2)'],
];
for (const [redis, message] of REDIS_INVALID) {
  test(`sharedCache.redis ${redis} is refused: ${message}`, () => {
    refused({ sharedCache: { redis } }, `Invalid sharedCache option: ${message}`);
  });
}
