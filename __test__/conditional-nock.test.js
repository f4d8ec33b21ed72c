'use strict';

// Conditional requests while nock intercepts Node's http (fetches then go
// through it): the mock sees the validators and its 304 is honoured.

const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const nock = require('nock');
const jwksClient = require('..');
const { generate } = require('./helpers/keys');
const { withClock } = require('./helpers/clock');

const key = generate('RS256', 'mocked');
const host = 'http://my-authz-server.invalid';

after(() => {
  nock.cleanAll();
  nock.restore();
});

test('nock: the mocked 304 revalidates the set; the same key object comes back', async () => {
  const full = nock(host)
    .get('/jwks')
    .reply(200, { keys: [key.jwk] }, { ETag: '"n1"', 'Cache-Control': 'max-age=60' });
  const revalidated = nock(host, { reqheaders: { 'if-none-match': '"n1"' } })
    .get('/jwks')
    .reply(304, '', { 'Cache-Control': 'max-age=60' });
  await withClock(async (advance) => {
    const client = jwksClient({ jwksUri: `${host}/jwks`, conditionalRequests: true, respectCacheControl: true });
    const first = await client.getSigningKey('mocked');
    assert.ok(full.isDone());
    advance(60_001);
    assert.equal(await client.getSigningKey('mocked'), first);
    assert.ok(revalidated.isDone());
    assert.equal(client.stats().notModified, 1);
  });
});

test('nock: without the option no validator is sent, and a 304 is an error', async () => {
  nock(host)
    .get('/jwks')
    .reply(200, { keys: [key.jwk] }, { ETag: '"n1"' });
  const plain = nock(host, { badheaders: ['if-none-match'] })
    .get('/jwks')
    .reply(304);
  await withClock(async (advance) => {
    const client = jwksClient({ jwksUri: `${host}/jwks` });
    await client.getSigningKey('mocked');
    advance(600_001);
    await assert.rejects(client.getSigningKey('mocked'), { name: 'JwksError', message: 'Not Modified' });
    assert.ok(plain.isDone());
  });
});
