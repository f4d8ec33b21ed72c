'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const diagnostics = require('node:diagnostics_channel');
const jwksClient = require('..');
const { generate } = require('./helpers/keys');
const { startJwksServer } = require('./helpers/server');
const { withClock } = require('./helpers/clock');
const { collect } = require('./helpers/refresh');

const a = generate('RS256', 'a');
const b = generate('ES256', 'b');
const c = generate('EdDSA', 'c');

const mine = (messages, client) => messages.filter((m) => m.client === client);

test('fetch: one message per fetch, however many lookups shared it', async () => {
  const server = await startJwksServer([a.jwk, b.jwk]);
  const fetches = collect('jwks-rsa-native:fetch');
  const client = jwksClient({ jwksUri: server.url });
  await Promise.all([client.getSigningKey('a'), client.getSigningKey('b'), client.getSigningKeys()]);
  await client.getSigningKey('a');
  fetches.stop();
  assert.equal(server.count, 1, 'the three shared one fetch; the last lookup was a cache hit');
  assert.deepEqual(
    mine(fetches, client).map(({ client: _, ...m }) => m),
    [{ jwksUri: server.url, fetches: 1, ok: true, keys: 2, error: null }],
  );
  await server.close();
});

test('error: a failed fetch, with the error the lookup rejects with', async () => {
  const server = await startJwksServer([a.jwk]);
  server.state.status = 500;
  const errors = collect('jwks-rsa-native:error');
  const fetches = collect('jwks-rsa-native:fetch');
  const client = jwksClient({ jwksUri: server.url });
  const rejected = await client.getSigningKey('a').catch((err) => err);
  errors.stop();
  fetches.stop();
  const [message] = mine(errors, client);
  assert.equal(message.jwksUri, server.url);
  assert.equal(message.error.name, 'JwksError');
  assert.equal(message.error.message, rejected.message);
  assert.equal(message.error.message, 'Internal Server Error');
  assert.equal(mine(fetches, client)[0].ok, false);
  await server.close();
});

test('rotate: the kids that appeared and vanished between two sets', async () => {
  const server = await startJwksServer([a.jwk, b.jwk]);
  const rotations = collect('jwks-rsa-native:rotate');
  const client = jwksClient({ jwksUri: server.url });
  await client.getSigningKey('a');
  await client.reload();
  server.state.keys = [a.jwk, c.jwk];
  await client.reload();
  rotations.stop();
  assert.deepEqual(
    mine(rotations, client).map(({ client: _, ...m }) => m),
    [{ jwksUri: server.url, added: ['c'], removed: ['b'], kids: ['a', 'c'] }],
  );
  await server.close();
});

test('stale: a stale key served while the endpoint is down', async () => {
  const server = await startJwksServer([a.jwk]);
  const stale = collect('jwks-rsa-native:stale');
  const client = jwksClient({ jwksUri: server.url, cacheMaxAge: 1000, cacheMaxAgeFallback: 5000 });
  await withClock(async (advance) => {
    const key = await client.getSigningKey('a');
    server.state.status = 503;
    advance(1500);
    assert.equal(await client.getSigningKey('a'), key);
  });
  stale.stop();
  const [message] = mine(stale, client);
  assert.equal(message.kid, 'a');
  assert.equal(message.error.message, 'Service Unavailable');
  await server.close();
});

test('nothing is asked of the native side nor built when nobody subscribes', async () => {
  const { binding } = require('../lib/loader/native');
  const proto = binding.NativeClient.prototype;
  const lookup = proto.lookup;
  const watches = [];
  const events = [];
  proto.lookup = function spied(request) {
    watches.push(request.watch);
    const answer = lookup.call(this, request);
    if (answer instanceof Promise) answer.then((a) => events.push(a.event));
    return answer;
  };
  const server = await startJwksServer([a.jwk, b.jwk]);
  try {
    const names = ['fetch', 'refresh', 'rotate', 'stale', 'error'].map((n) => `jwks-rsa-native:${n}`);
    for (const name of names) assert.equal(diagnostics.channel(name).hasSubscribers, false, name);
    await jwksClient({ jwksUri: server.url }).getSigningKey('a');
    assert.deepEqual(watches, [false]);
    assert.deepEqual(events, [undefined], 'no event in the answer');
    const fetches = collect('jwks-rsa-native:fetch');
    await jwksClient({ jwksUri: server.url }).getSigningKey('b');
    fetches.stop();
    assert.deepEqual(watches, [false, true]);
    assert.deepEqual(events[1], { fetches: 1, fetchErrors: 0, keys: 2, kids: ['a', 'b'] });
    assert.equal(fetches.length, 1);
  } finally {
    proto.lookup = lookup;
    await server.close();
  }
});
