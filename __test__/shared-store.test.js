'use strict';

const { test, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const { EventEmitter } = require('node:events');
const jwksClient = require('..');
const { ArgumentError } = jwksClient;
const { generate } = require('./helpers/keys');
const { startJwksServer } = require('./helpers/server');
const { startProvider } = require('./helpers/oidc-provider');
const { startRevalidatingServer } = require('./helpers/revalidating');
const { backend } = require('../lib/loader/native');

const wasm = backend === 'wasm';
const nativeOnly = wasm && 'the WebAssembly build has no sharedCache';

// sharedCache with a JavaScript store: a Map-backed one shows the interface
// works as the Redis store does; one that throws, answers nonsense or never
// answers shows that no lookup fails or hangs because of its store.

const first = generate('RS256', 'first');
let server;
before(async () => {
  server = await startJwksServer([first.jwk]);
});
after(() => server.close());
beforeEach(() => {
  server.state.requests.length = 0;
});

// A record is named `<prefix>set:<jwksUri>#<digest of the fetch identity>`:
// the name without its digest.
function recordEndpoint(name) {
  const match = /^(.*)#[0-9a-f]{32}$/.exec(name);
  assert.ok(match, `${name} ends with the digest of the fetch identity`);
  return match[1];
}

// get/set/lock/unlock over a Map, with expiry, as Redis keeps them.
function mapStore() {
  const entries = new Map();
  const live = (key) => {
    const entry = entries.get(key);
    if (entry && entry.expires <= Date.now()) entries.delete(key);
    return entries.get(key);
  };
  const calls = [];
  return {
    entries,
    calls,
    async get(key) {
      calls.push('get');
      const entry = live(key);
      return entry === undefined ? null : entry.value;
    },
    async set(key, value, ttlMs) {
      calls.push('set');
      entries.set(key, { value, expires: Date.now() + ttlMs });
    },
    async lock(key, token, ttlMs) {
      calls.push('lock');
      if (live(key)) return false;
      entries.set(key, { value: token, expires: Date.now() + ttlMs });
      return true;
    },
    async unlock(key, token) {
      calls.push('unlock');
      if (live(key) && entries.get(key).value === token) entries.delete(key);
    },
  };
}

test('clients sharing a JavaScript store make one request', { skip: nativeOnly }, async () => {
  const store = mapStore();
  const options = { jwksUri: server.url, sharedCache: { store, keyPrefix: 'p:' } };
  const one = jwksClient(options);
  const two = jwksClient(options);
  assert.equal((await one.getSigningKey('first')).getPublicKey(), first.pem);
  assert.equal((await two.getSigningKey('first')).getPublicKey(), first.pem);
  assert.equal(server.count, 1);
  assert.deepEqual(store.calls, ['get', 'lock', 'get', 'set', 'unlock', 'get']);
  assert.deepEqual([...store.entries.keys()].map(recordEndpoint), [`p:set:${server.url}`]);
  const { sharedHits, sharedWrites, sharedErrors } = two.stats();
  assert.deepEqual({ sharedHits, sharedWrites, sharedErrors }, { sharedHits: 1, sharedWrites: 0, sharedErrors: 0 });
  assert.equal(one.stats().sharedWrites, 1);
});

test('a store without lock() still shares what it holds', { skip: nativeOnly }, async () => {
  const { get, set } = mapStore();
  const options = { jwksUri: server.url, sharedCache: { store: { get, set } } };
  await jwksClient(options).getSigningKey('first');
  await jwksClient(options).getSigningKey('first');
  assert.equal(server.count, 1);
});

// mapStore() with publish/subscribe over an EventEmitter, as Redis's.
function listeningStore() {
  const store = mapStore();
  const bus = new EventEmitter();
  store.subscribe = async (channel, onMessage) => {
    store.calls.push('subscribe');
    bus.on(channel, onMessage);
  };
  store.publish = async (channel, message) => {
    store.calls.push(`publish ${message}`);
    bus.emit(channel, message);
  };
  return store;
}

// The waiting client found the lock taken once more after subscribing, so
// it cannot find the set stored before the publication wakes it.
async function listening(store) {
  const locks = () => store.calls.filter((call) => call === 'lock').length;
  while (!store.calls.includes('subscribe') || locks() < 3) await new Promise((resolve) => setImmediate(resolve));
}

test('a store with subscribe/publish wakes a waiting client at the publication', { skip: nativeOnly }, async () => {
  const store = listeningStore();
  const options = { jwksUri: server.url, sharedCache: { store } };
  const holder = jwksClient(options);
  const waiter = jwksClient(options);
  const release = server.hold();
  const held = holder.getSigningKey('first');
  await server.requested(1);
  const waiting = waiter.getSigningKey('first');
  await listening(store);
  release();
  for (const key of await Promise.all([held, waiting])) assert.equal(key.getPublicKey(), first.pem);
  assert.equal(server.count, 1);
  assert.equal(waiter.stats().sharedWakeups, 1);
  assert.equal(waiter.stats().sharedHits, 1);
  assert.deepEqual(
    store.calls.filter((c) => c.startsWith('publish')),
    ['publish stored'],
  );
});

test('a holder that fails publishes it and the waiting client fetches for itself', { skip: nativeOnly }, async () => {
  const store = listeningStore();
  const options = { jwksUri: server.url, sharedCache: { store }, timeout: 60000 };
  const holder = jwksClient(options);
  const waiter = jwksClient(options);
  const release = server.hold();
  const held = holder.getSigningKey('first').catch((err) => err);
  await server.requested(1);
  const waiting = waiter.getSigningKey('first').catch((err) => err);
  await listening(store);
  server.state.status = 503;
  try {
    release();
    for (const err of await Promise.all([held, waiting])) assert.equal(err.name, 'JwksError');
  } finally {
    server.state.status = 200;
  }
  assert.equal(server.count, 2);
  assert.equal(waiter.stats().sharedWakeups, 1);
  assert.deepEqual(
    store.calls.filter((c) => c.startsWith('publish')),
    ['publish gave-up'],
  );
});

const failing = {
  throws: { get: () => Promise.reject(new Error('store down')), set: async () => {} },
  'throws synchronously': {
    get() {
      throw new Error('boom');
    },
    set() {
      throw new Error('boom');
    },
  },
  'answers with an object': { get: async () => ({ body: 'x' }), set: async () => {}, lock: async () => true },
  'never answers': { get: () => new Promise(() => {}), set: () => new Promise(() => {}), lock: () => new Promise(() => {}) },
};
for (const [name, store] of Object.entries(failing)) {
  test(`a store that ${name} costs no failed or hanging lookup`, { skip: nativeOnly }, async () => {
    const client = jwksClient({ jwksUri: server.url, sharedCache: { store, commandTimeout: 50 } });
    assert.equal((await client.getSigningKey('first')).getPublicKey(), first.pem);
    assert.equal(server.count, 1);
    assert.equal(client.stats().sharedErrors, 1);
  });
}

test('a lock that is never freed delays a fetch by at most the timeout', { skip: nativeOnly }, async () => {
  const store = { get: async () => null, set: async () => {}, lock: async () => false };
  const client = jwksClient({ jwksUri: server.url, timeout: 300, sharedCache: { store } });
  assert.equal((await client.getSigningKey('first')).getPublicKey(), first.pem);
  assert.equal(client.stats().sharedWaits, 1);
});

test('with issuer discovery, the discovered set is shared and the document is not stored', { skip: nativeOnly }, async () => {
  const provider = await startProvider();
  try {
    const tenant = provider.tenant('acme', [first.jwk]);
    const store = mapStore();
    const options = { issuer: tenant.issuer, sharedCache: { store } };
    assert.equal((await jwksClient(options).getSigningKey('first')).getPublicKey(), first.pem);
    assert.equal((await jwksClient(options).getSigningKey('first')).getPublicKey(), first.pem);
    assert.equal(provider.count(tenant.keysPath), 1);
    assert.equal(provider.count(tenant.documentPath), 2);
    assert.deepEqual([...store.entries.keys()].map(recordEndpoint), [`jwks-rsa-native:set:${tenant.jwksUri}`]);
  } finally {
    await provider.close();
  }
});

test('with conditionalRequests, the stored ETag lets another process revalidate with a 304', { skip: nativeOnly }, async () => {
  const origin = await startRevalidatingServer([first.jwk], { ETag: '"v1"' });
  try {
    const store = mapStore();
    const options = { jwksUri: origin.url, conditionalRequests: true, sharedCache: { store } };
    await jwksClient(options).getSigningKey('first');
    const reader = jwksClient(options);
    assert.equal((await reader.getSigningKey('first')).getPublicKey(), first.pem);
    assert.equal(origin.count, 1);
    const [name] = store.entries.keys();
    assert.equal(recordEndpoint(name), `jwks-rsa-native:set:${origin.url}`);
    const before = JSON.parse(store.entries.get(name).value);
    assert.equal(before.headers.etag, '"v1"');
    // getSigningKeys() always asks: the reader holds the stored set, so it
    // revalidates with the ETag that came with it, and stores the 304.
    assert.equal((await reader.getSigningKeys())[0].getPublicKey(), first.pem);
    assert.equal(origin.count, 2);
    assert.equal(origin.state.requests[1].headers['if-none-match'], '"v1"');
    assert.equal(origin.origin.notModified, 1);
    const after = JSON.parse(store.entries.get(name).value);
    assert.equal(after.body, before.body);
    assert.equal(reader.stats().sharedWrites, 1);
  } finally {
    await origin.close();
  }
});

test('a set of key types served only by an option is shared by clients with that option', { skip: nativeOnly }, async () => {
  const { publicKey } = require('crypto').generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'ES256K' };
  const server = await startJwksServer([jwk]);
  try {
    const store = mapStore();
    const options = { jwksUri: server.url, secp256k1: true, sharedCache: { store } };
    await jwksClient(options).getSigningKey('k1');
    const reader = jwksClient(options);
    assert.equal((await reader.getSigningKey('k1')).kid, 'k1');
    assert.equal(server.count, 1);
    assert.equal(reader.stats().sharedHits, 1);
  } finally {
    await server.close();
  }
});

// One endpoint serving each tenant its own set, chosen by a request header.
async function startTenantServer(sets) {
  const http = require('http');
  const requests = [];
  const httpServer = http.createServer((req, res) => {
    requests.push(req.headers['x-tenant']);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: sets[req.headers['x-tenant']] || [] }));
  });
  await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${httpServer.address().port}/jwks`;
  return { url, requests, close: () => new Promise((resolve) => httpServer.close(resolve)) };
}

test('clients of one URL that differ in requestHeaders keep separate records', { skip: nativeOnly }, async () => {
  const a = generate('RS256', 'tenant-a');
  const b = generate('RS256', 'tenant-b');
  const tenants = await startTenantServer({ a: [a.jwk], b: [b.jwk] });
  try {
    const store = mapStore();
    const sharedCache = { store, secret: 'fleet secret' };
    const clientA = jwksClient({ jwksUri: tenants.url, requestHeaders: { 'x-tenant': 'a' }, sharedCache });
    const clientB = jwksClient({ jwksUri: tenants.url, requestHeaders: { 'x-tenant': 'b' }, sharedCache });
    assert.equal((await clientA.getSigningKey('tenant-a')).getPublicKey(), a.pem);
    // B's own endpoint never served tenant A's key: B must not serve it.
    await assert.rejects(clientB.getSigningKey('tenant-a'), { name: 'SigningKeyNotFoundError' });
    assert.equal((await clientB.getSigningKey('tenant-b')).getPublicKey(), b.pem);
    assert.deepEqual(tenants.requests, ['a', 'b']);
    const names = [...store.entries.keys()];
    assert.equal(names.length, 2);
    assert.deepEqual(names.map(recordEndpoint), [`jwks-rsa-native:set:${tenants.url}`, `jwks-rsa-native:set:${tenants.url}`]);
  } finally {
    await tenants.close();
  }
});

test('a client with a fetcher and no jwksUri cannot use a sharedCache', () => {
  const store = mapStore();
  const fetcher = async () => ({ keys: [first.jwk] });
  assert.throws(
    () => jwksClient({ fetcher, sharedCache: { store, secret: 's' } }),
    (err) => {
      assert.ok(err instanceof ArgumentError);
      assert.equal(
        err.message,
        'Invalid sharedCache option: a client without `jwksUri` cannot name its shared record (its `fetcher` says nothing of which set it returns)',
      );
      return true;
    },
  );
  // With a jwksUri, the fetcher's set is shared under that URI.
  if (!wasm) assert.doesNotThrow(() => jwksClient({ jwksUri: server.url, fetcher, sharedCache: { store } }));
});

test('without sharedCache, stats() has no shared-store counters', async () => {
  const client = jwksClient({ jwksUri: server.url });
  assert.equal(
    Object.keys(client.stats()).some((name) => name.startsWith('shared')),
    false,
  );
});

const invalid = [
  ['shared', 'expected an object'],
  [{}, 'give exactly one of `redis` and `store`'],
  [{ redis: 'redis://x', store: mapStore() }, 'give exactly one of `redis` and `store`'],
  [{ redis: 6379 }, '`redis` must be a redis:// or rediss:// URL'],
  [{ redis: 'http://127.0.0.1:6379' }, '`redis` must be a redis:// or rediss:// URL'],
  [{ redis: 'redis://127.0.0.1:6379/zero' }, 'the database of `redis` must be a number'],
  [{ redis: 'redis://:%E0%A4%A@127.0.0.1' }, 'the user name or password of `redis` is not valid percent-encoding'],
  [{ store: { get() {} } }, '`store.set` must be a function'],
  [{ store: { get() {}, set() {}, lock: 1 } }, '`store.lock` must be a function when given'],
  [{ store: { get() {}, set() {}, subscribe() {} } }, '`store.subscribe` and `store.publish` go together'],
  [{ store: { get() {}, set() {}, publish: true } }, '`store.publish` must be a function when given'],
  [{ store: mapStore(), keyPrefix: 1 }, '`keyPrefix` must be a string'],
  [{ store: mapStore(), secret: '' }, '`secret` must be a non-empty string or Buffer'],
  [{ store: mapStore(), commandTimeout: 0 }, '`commandTimeout` must be a whole number of milliseconds from 1 to 30000, got 0'],
  [{ store: mapStore(), commandTimeout: 1e9 }, '`commandTimeout` must be a whole number of milliseconds from 1 to 30000, got 1000000000'],
  [{ store: mapStore(), commandTimeout: 30001 }, '`commandTimeout` must be a whole number of milliseconds from 1 to 30000, got 30001'],
  [{ redis: 'redis://127.0.0.1:0' }, 'the port of `redis` must be from 1 to 65535'],
  [{ redis: 'redis://127.0.0.1:6379/0?db=2' }, '`redis` must have no query or fragment (the database is its path: redis://host:6379/2)'],
  [{ redis: 'redis://127.0.0.1:6379/#' }, '`redis` must have no query or fragment (the database is its path: redis://host:6379/2)'],
];
for (const [sharedCache, message] of invalid) {
  test(`sharedCache ${JSON.stringify(sharedCache)} is refused: ${message}`, () => {
    assert.throws(
      () => jwksClient({ jwksUri: server.url, sharedCache }),
      (err) => {
        assert.ok(err instanceof ArgumentError);
        assert.equal(err.message, `Invalid sharedCache option: ${message}`);
        return true;
      },
    );
  });
}

test('the WebAssembly build refuses sharedCache when the client is made', { skip: !wasm && 'runs on the WebAssembly backend' }, () => {
  for (const sharedCache of [{ redis: 'redis://127.0.0.1:6379' }, { store: mapStore() }]) {
    assert.throws(
      () => jwksClient({ jwksUri: server.url, sharedCache }),
      (err) => {
        assert.ok(err instanceof ArgumentError);
        assert.equal(err.message, 'sharedCache is not available in the WebAssembly build');
        return true;
      },
    );
  }
});
