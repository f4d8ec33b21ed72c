'use strict';

const { test, describe, before, after, beforeEach, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('crypto');
const { generate } = require('./helpers/keys');
const { startJwksServer, until } = require('./helpers/server');
const { startRedis, redisSkipReason, send, bulk } = require('./helpers/redis');
const { startFleet } = require('./helpers/fleet');
const { pki } = require('./helpers/pki');
const { sharedCacheConfig } = require('../lib/share/shared-cache');
const { nativeConfig } = require('../lib/config/options');

// sharedCache on a real redis-server, with real child processes that each
// hold a client: the fleet makes one request per refresh, and Redis failing
// in any way never fails a lookup.

const { backend } = require('../lib/loader/native');

const skip = (backend === 'wasm' && 'the WebAssembly build has no sharedCache') || redisSkipReason();
const PREFIX = 'test:';
const first = generate('RS256', 'first');
const second = generate('ES256', 'second');

let server;
let redis;
let fleet = [];
before(async () => {
  server = await startJwksServer([first.jwk]);
});
after(() => server.close());
beforeEach(async () => {
  server.state.requests.length = 0;
  server.state.keys = [first.jwk];
  if (!skip) redis = await startRedis();
});
afterEach(async () => {
  await Promise.all(fleet.map((p) => p.kill()));
  fleet = [];
  if (redis) await redis.kill();
  redis = undefined;
});

const options = ({ sharedCache, ...extra } = {}) => ({
  jwksUri: server.url,
  ...extra,
  sharedCache: { redis: redis.url, keyPrefix: PREFIX, ...sharedCache },
});
// The record and lock of these options, named as the client names them.
const sharedParts = () => {
  const given = options();
  return sharedCacheConfig(given, nativeConfig(given).config).parts;
};
const recordKey = () => sharedParts().key;
const lockKey = () => sharedParts().lockKey;
const sum = (stats, name) => stats.reduce((total, s) => total + s[name], 0);
const allStats = () => Promise.all(fleet.map((p) => p.stats()));

// Every process but the lock holder has found the lock taken.
async function othersWaiting(n) {
  let stats = await allStats();
  while (sum(stats, 'sharedWaits') < n) stats = await allStats();
}

// Milliseconds the refresh lock has left to live (negative: none).
async function lockLifetime() {
  return Number(/^:(-?\d+)\r\n$/.exec(await send(redis.port, 'PTTL', lockKey()))[1]);
}

// `n` processes wait for the lock holder's publication: each has found the
// lock taken (SET NX) once more after subscribing, so none can find the set
// stored before the publication wakes it.
async function othersListening(n) {
  const listeners = async () => {
    const reply = await send(redis.port, 'PUBSUB', 'NUMSUB', `${lockKey()}:done`);
    return Number(/:(\d+)\r\n$/.exec(reply)[1]);
  };
  const sets = async () => {
    const match = /cmdstat_set:calls=(\d+)/.exec(bulk(await send(redis.port, 'INFO', 'commandstats')));
    return match ? Number(match[1]) : 0;
  };
  while ((await listeners()) < n);
  // The holder's lock, and each waiter's two attempts.
  while ((await sets()) < 1 + 2 * n);
}

describe('sharedCache on Redis across processes', { skip }, () => {
  test('four cold processes make one request, and each gets the key', async () => {
    fleet = await startFleet(4, options());
    const release = server.hold();
    const answers = Promise.all(fleet.map((p) => p.lookup('first')));
    await server.requested(1);
    await othersWaiting(3);
    release();
    for (const answer of await answers) assert.equal(answer.pem, first.pem);
    assert.equal(server.count, 1);
    const stats = await allStats();
    assert.equal(sum(stats, 'sharedWrites'), 1);
    assert.equal(sum(stats, 'sharedHits'), 3);
    assert.equal(sum(stats, 'fetches'), 1, 'fetches count requests, not sets read from Redis');
    assert.equal(await send(redis.port, 'EXISTS', lockKey()), ':0\r\n', 'the lock is released');
  });

  test('waiters are woken by the publication of the lock holder, not by a poll', async () => {
    fleet = await startFleet(4, options());
    const release = server.hold();
    const answers = Promise.all(fleet.map((p) => p.lookup('first')));
    await server.requested(1);
    await othersListening(3);
    release();
    for (const answer of await answers) assert.equal(answer.pem, first.pem);
    const stats = await allStats();
    assert.equal(sum(stats, 'sharedWakeups'), 3);
    assert.equal(sum(stats, 'sharedHits'), 3);
    assert.equal(server.count, 1);
  });

  test('a lock holder whose fetch fails publishes it: the waiters fetch for themselves at once', async () => {
    fleet = await startFleet(3, options({ timeout: 60000 }), { DEBUG: 'jwks' });
    const release = server.hold();
    const answers = Promise.all(fleet.map((p) => p.lookup('first')));
    await server.requested(1);
    await othersListening(2);
    server.state.status = 500;
    try {
      release();
      for (const answer of await answers) assert.equal(answer.error.name, 'JwksError');
    } finally {
      server.state.status = 200;
    }
    const stats = await allStats();
    assert.equal(sum(stats, 'sharedWakeups'), 2);
    assert.equal(server.count, 3);
    assert.equal(fleet.filter((p) => /holding the refresh lock gave up/.test(p.stderr)).length, 2);
  });

  test('a process started later reads the stored set instead of fetching', async () => {
    fleet = await startFleet(1, options());
    await fleet[0].lookup('first');
    const record = JSON.parse(bulk(await send(redis.port, 'GET', recordKey())));
    assert.equal(record.body, JSON.stringify({ keys: [first.jwk] }));
    fleet.push(...(await startFleet(1, options())));
    assert.equal((await fleet[1].lookup('first')).pem, first.pem);
    assert.equal(server.count, 1);
    assert.equal((await fleet[1].stats()).sharedHits, 1);
  });

  test('when the set expires the fleet refreshes it with one request', async () => {
    const maxAge = 1000;
    fleet = await startFleet(3, options({ cacheMaxAge: maxAge }));
    await Promise.all(fleet.map((p) => p.lookup('first')));
    assert.equal(server.count, 1);
    const { fetchedAt } = JSON.parse(bulk(await send(redis.port, 'GET', recordKey())));
    await until(() => Date.now() > fetchedAt + maxAge);
    const release = server.hold();
    const answers = Promise.all(fleet.map((p) => p.lookup('first')));
    await server.requested(2);
    await othersWaiting(2);
    release();
    for (const answer of await answers) assert.equal(answer.pem, first.pem);
    assert.equal(server.count, 2);
  });

  test('a new kid makes one process fetch and the others read its set', async () => {
    fleet = await startFleet(2, options());
    await Promise.all(fleet.map((p) => p.lookup('first')));
    server.state.keys = [first.jwk, second.jwk];
    assert.equal((await fleet[0].lookup('second')).pem, second.pem);
    assert.equal((await fleet[1].lookup('second')).pem, second.pem);
    assert.equal(server.count, 2);
  });

  test('Redis killed mid-run: lookups still succeed by direct fetches, counted', async () => {
    fleet = await startFleet(2, options(), { DEBUG: 'jwks' });
    await Promise.all(fleet.map((p) => p.lookup('first')));
    await redis.kill();
    server.state.keys = [first.jwk, second.jwk];
    for (const p of fleet) assert.equal((await p.lookup('second')).pem, second.pem);
    fleet.push(...(await startFleet(1, options())));
    assert.equal((await fleet[2].lookup('first')).pem, first.pem);
    const stats = await allStats();
    assert.ok(
      stats.every((s) => s.sharedErrors >= 1),
      JSON.stringify(stats),
    );
    assert.equal(server.count, 4);
    assert.match(fleet[0].stderr, /jwks shared cache read failed \(Redis: .*\): fetching directly/);
  });

  test('a Redis that stops answering costs a refresh at most commandTimeout per step, never a lookup', async () => {
    fleet = await startFleet(1, options({ sharedCache: { commandTimeout: 100 } }));
    await fleet[0].lookup('first');
    server.state.keys = [first.jwk, second.jwk];
    redis.pause();
    try {
      assert.equal((await fleet[0].lookup('second')).pem, second.pem);
    } finally {
      redis.resume();
    }
    assert.equal((await fleet[0].stats()).sharedErrors, 1);
    assert.equal(server.count, 2);
  });

  test('a stopped Redis at start costs no failed lookup', async () => {
    await redis.stop();
    fleet = await startFleet(1, options());
    assert.equal((await fleet[0].lookup('first')).pem, first.pem);
    assert.ok((await fleet[0].stats()).sharedErrors >= 1);
  });

  test('garbage under the key is ignored, counted, and replaced', async () => {
    await send(redis.port, 'SET', recordKey(), '\u0000{not a record');
    fleet = await startFleet(1, options());
    assert.equal((await fleet[0].lookup('first')).pem, first.pem);
    assert.equal(server.count, 1);
    const stats = await fleet[0].stats();
    assert.equal(stats.sharedRejected, 1);
    assert.equal(stats.sharedWrites, 1);
    assert.equal(JSON.parse(bulk(await send(redis.port, 'GET', recordKey()))).v, 1);
  });

  test('a value of the wrong Redis type is an error of the store, not of the lookup', async () => {
    await send(redis.port, 'HSET', recordKey(), 'field', 'value');
    fleet = await startFleet(1, options());
    assert.equal((await fleet[0].lookup('first')).pem, first.pem);
    assert.equal((await fleet[0].stats()).sharedErrors, 1);
  });

  test('with a secret, a record sealed without it is ignored', async () => {
    const attacker = generate('RS256', 'first');
    const forged = JSON.stringify({
      v: 1,
      fetchedAt: Date.now(),
      etag: null,
      lastModified: null,
      body: JSON.stringify({ keys: [attacker.jwk] }),
      mac: crypto.createHmac('sha256', 'guessed').update('anything').digest('hex'),
    });
    await send(redis.port, 'SET', recordKey(), forged);
    fleet = await startFleet(1, options({ sharedCache: { secret: 'fleet secret' } }));
    assert.equal((await fleet[0].lookup('first')).pem, first.pem);
    assert.equal((await fleet[0].stats()).sharedRejected, 1);
    fleet.push(...(await startFleet(1, options({ sharedCache: { secret: 'fleet secret' } }))));
    assert.equal((await fleet[1].lookup('first')).pem, first.pem);
    assert.equal((await fleet[1].stats()).sharedHits, 1, 'a record sealed with the secret is used');
    assert.equal(server.count, 1);
  });

  test('a lock holder that dies is taken over once its lock expires', async () => {
    const timeout = 1500;
    fleet = await startFleet(2, options({ timeout }));
    const release = server.hold();
    const orphan = fleet[0].lookup('first').catch(() => 'killed');
    await server.requested(1);
    assert.notEqual(bulk(await send(redis.port, 'GET', lockKey())), null);
    await fleet[0].kill();
    assert.equal(await orphan, 'killed');
    release();
    assert.equal((await fleet[1].lookup('first')).pem, first.pem);
    const stats = await fleet[1].stats();
    assert.equal(stats.sharedWaits, 1);
    assert.equal(stats.sharedTakeovers, 1);
    assert.equal(server.count, 2);
  });

  test('a lock holder SIGKILLed mid-fetch is taken over within its short lock, not the timeout', async () => {
    fleet = await startFleet(2, options({ timeout: 60000 }));
    const release = server.hold();
    const orphan = fleet[0].lookup('first').catch(() => 'killed');
    await server.requested(1);
    const lifetime = await lockLifetime();
    assert.ok(lifetime > 0 && lifetime <= 3000, `the lock lives ${lifetime} ms, not the timeout`);
    const answer = fleet[1].lookup('first');
    await othersListening(1);
    await fleet[0].kill();
    assert.equal(await orphan, 'killed');
    release();
    assert.equal((await answer).pem, first.pem);
    const stats = await fleet[1].stats();
    assert.equal(stats.sharedTakeovers, 1, 'taken over, not fetched directly after the timeout');
    assert.equal(server.count, 2);
  });

  test('a live lock holder renews its short lock while its fetch runs: nobody takes over', async () => {
    fleet = await startFleet(2, options({ timeout: 60000 }));
    const release = server.hold();
    const answers = Promise.all(fleet.map((p) => p.lookup('first')));
    await server.requested(1);
    await othersListening(1);
    // Four renewals, a third of the lifetime apart: the fetch outlived the
    // lock's first lifetime.
    let renewals = 0;
    for (let last = await lockLifetime(); renewals < 4; ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const now = await lockLifetime();
      if (now > last) renewals++;
      last = now;
    }
    assert.equal(server.count, 1);
    release();
    for (const answer of await answers) assert.equal(answer.pem, first.pem);
    const stats = await allStats();
    assert.equal(sum(stats, 'sharedTakeovers'), 0);
    assert.equal(sum(stats, 'sharedHits'), 1);
    assert.equal(server.count, 1);
  });

  test('rediss:// speaks TLS, trusting the roots the client trusts by default (here NODE_EXTRA_CA_CERTS)', async () => {
    const { dir, caFile } = pki();
    const tlsRedis = await startRedis({ tls: { certFile: `${dir}/server.pem`, keyFile: `${dir}/server.key`, caFile } });
    try {
      const tlsOptions = { jwksUri: server.url, sharedCache: { redis: tlsRedis.url } };
      fleet = await startFleet(2, tlsOptions, { NODE_EXTRA_CA_CERTS: caFile });
      assert.match(tlsRedis.url, /^rediss:/);
      for (const p of fleet) assert.equal((await p.lookup('first')).pem, first.pem);
      const stats = await allStats();
      assert.deepEqual(
        stats.map((s) => [s.sharedWrites, s.sharedHits, s.sharedErrors]),
        [
          [1, 0, 0],
          [0, 1, 0],
        ],
      );
      assert.equal(server.count, 1);
    } finally {
      await tlsRedis.kill();
    }
  });

  test('rediss:// to a server the client does not trust: counted, fetched directly', async () => {
    const { dir, caFile } = pki();
    const tlsRedis = await startRedis({ tls: { certFile: `${dir}/server.pem`, keyFile: `${dir}/server.key`, caFile } });
    try {
      fleet = await startFleet(1, { jwksUri: server.url, sharedCache: { redis: tlsRedis.url } }, { NODE_EXTRA_CA_CERTS: '' });
      assert.equal((await fleet[0].lookup('first')).pem, first.pem);
      assert.equal((await fleet[0].stats()).sharedErrors, 1);
    } finally {
      await tlsRedis.kill();
    }
  });

  test('AUTH comes from the URL; a wrong password is a store error, not a failed lookup', async () => {
    const guarded = await startRedis({ password: 'p@ss word' });
    try {
      const withPassword = { jwksUri: server.url, sharedCache: { redis: guarded.url } };
      const wrongPassword = { jwksUri: server.url, sharedCache: { redis: guarded.url.replace('p%40ss', 'nope') } };
      fleet = [...(await startFleet(2, withPassword)), ...(await startFleet(1, wrongPassword))];
      for (const p of fleet) assert.equal((await p.lookup('first')).pem, first.pem);
      const stats = await allStats();
      assert.deepEqual(
        stats.map((s) => [s.sharedWrites, s.sharedHits, s.sharedErrors]),
        [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
        ],
      );
      assert.equal(server.count, 2);
    } finally {
      await guarded.kill();
    }
  });
});
