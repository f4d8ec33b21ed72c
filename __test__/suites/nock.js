'use strict';

// Test suites that mock the JWKS endpoint with nock keep working: while
// Node's http is intercepted, fetches go through it. The same checks run
// under nock 14 (interceptors from @mswjs) and nock 13 (patched http).

const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const jwksClient = require('../..');
const upstream = require('jwks-rsa');
const { generate } = require('../helpers/keys');
const { startJwksServer } = require('../helpers/server');

function nockSuite(nock, label) {
  const key = generate('RS256', 'mocked');
  const host = 'http://my-authz-server.invalid';

  after(() => {
    nock.cleanAll();
    nock.restore();
  });

  test(`${label}: a mocked endpoint answers the lookup`, async () => {
    const scope = nock(host)
      .get('/.well-known/jwks.json')
      .reply(200, { keys: [key.jwk] });
    const client = jwksClient({ jwksUri: `${host}/.well-known/jwks.json` });
    assert.equal((await client.getSigningKey('mocked')).publicKey, key.pem);
    assert.ok(scope.isDone());
  });

  // The error each library reports for the same mocked failure.
  async function failure(lib, mock, options = {}) {
    const scope = mock();
    try {
      await lib({ jwksUri: `${host}/jwks`, ...options }).getSigningKey('mocked');
      return 'no error';
    } catch (err) {
      return { name: err.name, message: err.message, unavailable: err.isEndpointUnavailable, done: scope.isDone() };
    } finally {
      nock.cleanAll();
    }
  }

  test(`${label}: the mock sees the request headers; the error is jwks-rsa's`, async () => {
    const mock = () =>
      nock(host, { reqheaders: { 'x-api-key': 'secret' } })
        .get('/jwks')
        .reply(503, 'ignored body');
    const options = { requestHeaders: { 'x-api-key': 'secret' } };
    const ours = await failure(jwksClient, mock, options);
    assert.equal(ours.name, 'JwksError');
    assert.equal(ours.done, true);
    assert.deepEqual(ours, await failure(upstream, mock, options));
  });

  test(`${label}: mocked connection errors reach the caller as with jwks-rsa`, async () => {
    const mock = () => nock(host).get('/jwks').replyWithError('connection reset by mock');
    const ours = await failure(jwksClient, mock);
    assert.equal(ours.message, 'connection reset by mock');
    assert.deepEqual(ours, await failure(upstream, mock));
  });

  test(`${label}: once restored, the native client fetches again`, async () => {
    nock.restore();
    const server = await startJwksServer([key.jwk]);
    try {
      await jwksClient({ jwksUri: server.url }).getSigningKey('mocked');
      assert.equal(server.count, 1);
    } finally {
      await server.close();
      nock.activate();
    }
  });
}

module.exports = { nockSuite };
