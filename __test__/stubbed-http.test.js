'use strict';

// Suites that stub Node's http with a plain monkeypatch (sinon.stub,
// jest.spyOn, or by hand) rather than nock: jwks-rsa calls
// `http.request`/`https.request`, so the stub answers it; it must answer
// this package too.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const https = require('node:https');
const { EventEmitter } = require('node:events');
const { Readable } = require('node:stream');
const ours = require('..');
const theirs = require('jwks-rsa');
const { generate } = require('./helpers/keys');
const { startJwksServer } = require('./helpers/server');

const stubbedKey = generate('ES256', 'stubbed');
const realKey = generate('ES256', 'real');

// What a hand-written stub returns: a request that answers on end().
function fakeRequest(calls) {
  return function (options, callback) {
    calls.push(`${options.hostname}:${options.port}${options.path}`);
    const req = new EventEmitter();
    req.end = () => {
      const res = Readable.from([Buffer.from(JSON.stringify({ keys: [stubbedKey.jwk] }))]);
      Object.assign(res, { statusCode: 200, statusMessage: 'OK', headers: {} });
      process.nextTick(callback, res);
    };
    req.destroy = () => {};
    req.setTimeout = () => req;
    return req;
  };
}

function patch(module, name, replacement) {
  const original = module[name];
  module[name] = replacement;
  return () => {
    module[name] = original;
  };
}

let server;
before(async () => {
  server = await startJwksServer([realKey.jwk]);
});
after(() => server.close());

for (const [lib, module, uri] of [
  ['https', https, 'https://127.0.0.1:9/.well-known/jwks.json'],
  ['http', http, 'http://127.0.0.1:9/.well-known/jwks.json'],
]) {
  test(`a monkeypatched ${lib}.request answers the fetch, as it answers jwks-rsa's`, async () => {
    const calls = [];
    const restore = patch(module, 'request', fakeRequest(calls));
    try {
      for (const jwks of [theirs, ours]) {
        const key = await jwks({ jwksUri: uri }).getSigningKey('stubbed');
        assert.equal(key.getPublicKey().trim(), stubbedKey.pem.trim());
      }
    } finally {
      restore();
    }
    assert.deepEqual(calls, ['127.0.0.1:9/.well-known/jwks.json', '127.0.0.1:9/.well-known/jwks.json']);
  });
}

test('a stub on http.get alone is not what jwks-rsa calls: both reach the real endpoint', async () => {
  const calls = [];
  const restore = patch(http, 'get', fakeRequest(calls));
  try {
    for (const jwks of [theirs, ours]) {
      const key = await jwks({ jwksUri: server.url }).getSigningKey('real');
      assert.equal(key.kid, 'real');
    }
  } finally {
    restore();
  }
  assert.deepEqual(calls, []);
  assert.equal(server.state.requests.length, 2);
});

test('once the stub is restored, the same client reaches the real endpoint again', async () => {
  const calls = [];
  const client = ours({ jwksUri: server.url, cache: false });
  const restore = patch(http, 'request', fakeRequest(calls));
  const stubbed = await client.getSigningKey('stubbed').finally(restore);
  assert.equal(stubbed.kid, 'stubbed');
  assert.equal((await client.getSigningKey('real')).kid, 'real');
  assert.equal(calls.length, 1);
});
