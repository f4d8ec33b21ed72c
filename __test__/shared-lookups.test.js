'use strict';

const { test, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const jwksClient = require('..');
const { generate } = require('./helpers/keys');
const { startJwksServer } = require('./helpers/server');

let server;
const keys = [generate('ES256', 'a').jwk, generate('ES256', 'b').jwk];
before(async () => {
  server = await startJwksServer(keys);
});
after(() => server.close());
beforeEach(() => {
  server.state.requests.length = 0;
  server.state.keys = keys;
  server.state.status = 200;
});

test('concurrent lookups of one kid share one lookup and get the same key object', async () => {
  const client = jwksClient({ jwksUri: server.url });
  const release = server.hold();
  const promises = Array.from({ length: 100 }, () => client.getSigningKey('a'));
  assert.equal(new Set(promises).size, 100, 'each caller gets its own promise');
  await server.requested(1);
  release();
  const got = await Promise.all(promises);
  assert.equal(new Set(got).size, 1);
  assert.equal(got[0].kid, 'a');
  assert.equal(server.count, 1);
  assert.equal(client.stats().coalesced, 0, 'the native side saw a single lookup');
});

test('callers sharing a failed lookup all get its error, and the next lookup asks again', async () => {
  const client = jwksClient({ jwksUri: server.url });
  const results = await Promise.allSettled([client.getSigningKey('nope'), client.getSigningKey('nope')]);
  assert.deepEqual(
    results.map((r) => r.status),
    ['rejected', 'rejected'],
  );
  assert.equal(results[0].reason, results[1].reason);
  assert.equal(results[0].reason.message, "Unable to find a signing key that matches 'nope'");
  await assert.rejects(client.getSigningKey('nope'), { name: 'SigningKeyNotFoundError' });
  assert.equal(server.count, 2);
});

test('callback callers share the lookup of promise callers', async () => {
  const client = jwksClient({ jwksUri: server.url });
  const viaPromise = client.getSigningKey('b');
  const viaCallback = await new Promise((resolve, reject) => {
    client.getSigningKey('b', (err, key) => (err ? reject(err) : resolve(key)));
  });
  assert.equal(await viaPromise, viaCallback);
  assert.equal(server.count, 1);
});
