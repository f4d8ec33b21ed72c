'use strict';

// Bodies that are JSON but odd, bodies that are not JSON, and option values
// at the edges: compared with jwks-rsa 4.1.0 on the same endpoint.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const upstream = require('jwks-rsa');
const native = require('..');
const nativeBinding = require('../lib/loader/native').binding;
const { nativeConfig } = require('../lib/config/options');
const { generate } = require('./helpers/keys');
const { startJwksServer } = require('./helpers/server');
const { withClock } = require('./helpers/clock');

const good = generate('RS256', 'good');

let server;
before(async () => {
  server = await startJwksServer([]);
});
after(() => server.close());

async function outcome(promise) {
  try {
    const key = await promise;
    return { kid: key.kid, pem: key.getPublicKey().trimEnd() };
  } catch (err) {
    return { name: err.name, message: err.message, unavailable: err.isEndpointUnavailable };
  }
}

async function both(body, kid = 'good') {
  server.state.body = body;
  const results = {};
  for (const [name, lib] of Object.entries({ upstream, native })) {
    results[name] = await outcome(lib({ jwksUri: server.url }).getSigningKey(kid));
  }
  assert.deepEqual(results.native, results.upstream, body.slice(0, 80));
  return results.native;
}

test('one odd member does not take the set down, as with JSON.parse', async () => {
  const jwk = JSON.stringify(good.jwk);
  const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
  // Written by hand: JSON.stringify would turn 1e400 into null and cannot
  // write 5000 levels of nesting.
  const odd = `{"huge":1e400,"lone":"\\udc00","deep":${deep}}`;
  const bodies = [
    `{"keys":[${jwk}],"x":1e400}`,
    `{"keys":[${jwk},{"kty":"RSA","n":-1e400,"e":"AQAB"}]}`,
    `{"keys":[${jwk}],"note":"\\udc00"}`,
    `{"keys":[{"kty":"RSA","kid":"\\ud800x","n":"\\udc00","e":"AQAB"},${jwk}]}`,
    `{"keys":[${jwk}],"odd":${odd}}`,
    `{"keys":[${jwk.slice(0, -1)},"x5c_odd":${odd}}]}`,
    `{"keys":[${jwk},${'['.repeat(100_000)}${']'.repeat(100_000)}]}`,
  ];
  for (const body of bodies) {
    const result = await both(body);
    assert.equal(result.kid, 'good', body.slice(0, 80));
  }
});

test('what JSON.parse refuses is the same SyntaxError, even a megabyte of brackets', async () => {
  for (const body of ['['.repeat(1 << 20), '{"keys":[1,]}', '\uFEFF{"keys":[]}', '<html>', '{"keys":[]} x']) {
    const result = await both(body);
    assert.equal(result.name, 'SyntaxError');
    assert.equal(result.unavailable, true);
  }
});

test('a body of the wrong shape gives the TypeError jwks-rsa gives', async () => {
  const cases = {
    null: ["Cannot read properties of null (reading 'keys')", true],
    '{"keys":"abc"}': ['jwks.filter is not a function', undefined],
    '{"keys":{"length":2}}': ['jwks.filter is not a function', undefined],
  };
  for (const [body, [message, unavailable]] of Object.entries(cases)) {
    assert.deepEqual(await both(body), { name: 'TypeError', message, unavailable });
  }
  for (const body of ['{"keys":{}}', '{"keys":""}', '{"keys":7}', 'true', '[]']) {
    assert.equal((await both(body)).message, 'The JWKS endpoint did not contain any keys');
  }
});

test('a null body lets cacheMaxAgeFallback serve the stale key, as in jwks-rsa', async () => {
  const served = {};
  await withClock(async (advance) => {
    for (const [name, lib] of Object.entries({ upstream, native })) {
      server.state.body = JSON.stringify({ keys: [good.jwk] });
      const client = lib({ jwksUri: server.url, cacheMaxAge: 1000, cacheMaxAgeFallback: 60_000 });
      await client.getSigningKey('good');
      server.state.body = 'null';
      advance(2000);
      served[name] = await outcome(client.getSigningKey('good'));
    }
  });
  assert.equal(served.native.kid, 'good');
  assert.deepEqual(served.native, served.upstream);
});

test('every lookup waiting on a non-JSON page shares one copy of it', async () => {
  const page = `<!DOCTYPE html><html>${'x'.repeat((1 << 20) - 64)}</html>`; // just under the default cap
  server.state.body = page;
  let expected;
  try {
    JSON.parse(page);
  } catch (err) {
    expected = err.message;
  }
  const original = nativeBinding.syntaxErrorBody;
  let copies = 0;
  nativeBinding.syntaxErrorBody = (id) => {
    copies++;
    return original(id);
  };
  try {
    global.gc?.();
    const rssBefore = process.memoryUsage.rss();
    const client = native({ jwksUri: server.url });
    const waiters = Array.from({ length: 500 }, (_, i) => client.getSigningKey(`kid-${i}`).catch((err) => err));
    const errors = await Promise.all(waiters);
    const growth = process.memoryUsage.rss() - rssBefore;
    assert.equal(copies, client.stats().fetches, 'the body crosses over once per fetch');
    for (const err of errors) {
      assert.equal(err.name, 'SyntaxError');
      assert.equal(err.message, expected);
      assert.equal(err.isEndpointUnavailable, true);
    }
    // 500 copies of the page would be 500 MiB or more (UTF-16 in V8).
    assert.ok(growth < 100 * (1 << 20), `RSS grew by ${Math.round(growth / (1 << 20))} MiB`);
  } finally {
    nativeBinding.syntaxErrorBody = original;
  }
});

test('numeric options: a timeout below one unit is the default, never "no deadline"; ours are refused out of range', () => {
  const read = (options) => nativeConfig({ jwksUri: 'http://127.0.0.1/', ...options }).config;
  for (const timeout of [0.5, 0, -1, NaN, 'soon', undefined, null]) {
    assert.equal(read({ timeout }).timeout, 30000, String(timeout));
  }
  assert.equal(read({ timeout: 1.9 }).timeout, 1);
  assert.equal(read({ timeout: '250' }).timeout, 250);
  assert.equal(read({ timeout: Infinity }).timeout, 2 ** 31 - 1);
  assert.equal(read({ timeout: 1e12 }).timeout, 2 ** 31 - 1);
  assert.equal(read({ maxResponseBytes: 2 }).maxResponseBytes, 2);
  assert.equal(read({ maxResponseBytes: Number.MAX_SAFE_INTEGER }).maxResponseBytes, Number.MAX_SAFE_INTEGER);
  for (const [maxResponseBytes, shown] of [
    [0.5, '0.5'],
    [2.7, '2.7'],
    [Infinity, 'Infinity'],
  ]) {
    assert.throws(() => read({ maxResponseBytes }), {
      name: 'ArgumentError',
      message: `maxResponseBytes must be a whole number of bytes from 1 to 9007199254740991, got ${shown}`,
    });
  }
  assert.throws(() => read({ unknownKidCooldown: 0.5 }), {
    name: 'ArgumentError',
    message: 'unknownKidCooldown must be a whole number of milliseconds from 0 to 9007199254740991, got 0.5',
  });
});

test('maxResponseBytes: 0.5 is refused, never a one-byte cap', () => {
  assert.throws(() => native({ jwksUri: server.url, maxResponseBytes: 0.5 }), {
    name: 'ArgumentError',
    message: 'maxResponseBytes must be a whole number of bytes from 1 to 9007199254740991, got 0.5',
  });
});

test('a fractional timeout still ends a fetch the server never answers', async () => {
  const silent = require('net').createServer(() => {});
  await new Promise((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const uri = `http://127.0.0.1:${silent.address().port}/jwks`;
  try {
    for (const client of [
      native({ jwksUri: uri, timeout: 1.5 }),
      native({ jwksUri: uri, timeout: 1.5, fetcher: () => new Promise(() => {}) }),
    ]) {
      await assert.rejects(client.getSigningKey('x'), (err) => err.isEndpointUnavailable === true);
    }
  } finally {
    silent.close();
  }
});

test('cacheMaxEntries: 1e9 is no practical limit, not an allocation', async () => {
  server.state.body = JSON.stringify({ keys: [good.jwk] });
  const key = await native({ jwksUri: server.url, cacheMaxEntries: 1e9 }).getSigningKey('good');
  assert.equal(key.kid, 'good');
});

test('base64url members decode as Node decodes them, as in jwks-rsa', async () => {
  const keys = { rsa: good.jwk, ec: generate('ES256', 'ec').jwk, ed: generate('EdDSA', 'ed').jwk };
  const variants = {
    padding: (s) => `${s}==`,
    space: (s) => `${s.slice(0, 4)} ${s.slice(4)}`,
    newline: (s) => `${s.slice(0, 4)}\n${s.slice(4)}`,
    stray: (s) => `${s.slice(0, 4)}!${s.slice(4)}`,
    standard: (s) => s.replace(/-/g, '+').replace(/_/g, '/'),
    nonAscii: (s) => `${s.slice(0, 4)}\u00e9${s.slice(4)}`,
  };
  for (const [type, jwk] of Object.entries(keys)) {
    const member = type === 'rsa' ? 'n' : 'x';
    for (const [name, change] of Object.entries(variants)) {
      const body = JSON.stringify({ keys: [{ ...jwk, kid: 'good', [member]: change(jwk[member]) }] });
      const result = await both(body);
      assert.equal(result.kid, 'good', `${type} ${name}`);
    }
  }
});

test('at most 1000 entries of a set are read', async () => {
  const filler = Array.from({ length: 999 }, (_, i) => ({ kty: 'oct', kid: `f${i}`, k: 'AA' }));
  const last = { ...good.jwk, kid: 'last-read' };
  const past = { ...good.jwk, kid: 'past' };
  server.state.body = JSON.stringify({ keys: [...filler, last, past] });
  const client = native({ jwksUri: server.url });
  assert.equal((await client.getSigningKey('last-read')).kid, 'last-read');
  await assert.rejects(client.getSigningKey('past'), { name: 'SigningKeyNotFoundError' });
  assert.equal(client.stats().skipped, 1000);
});
