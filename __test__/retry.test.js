'use strict';

// `retry`: a fetch that fails transiently (a reset connection, a 5xx, a
// 429) is tried again within the `timeout` deadline, through the native
// transport and through Node's http alike; a 4xx, a bad body, or any
// failure without the option fails as in jwks-rsa, after one request.

const { test, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const jwksRsa = require('jwks-rsa');
const jwksClient = require('..');
const { ArgumentError } = jwksClient;
const { generate } = require('./helpers/keys');
const { startJwksServer } = require('./helpers/server');
const { backend } = require('../lib/loader/native');

const nativeOnly = backend === 'wasm' && 'the WebAssembly build does not retry';
const key = generate('RS256', 'k1');

let server;
before(async () => {
  server = await startJwksServer([key.jwk]);
});
after(() => server.close());
beforeEach(() => {
  server.state.requests.length = 0;
  server.state.handler = undefined;
});

// The endpoint answers the requests in turn: 'reset' closes the connection
// unanswered, 'hang' never answers, a number is that status (with
// `headers`), and past the script it serves the set.
function script(...steps) {
  const times = [];
  const hung = [];
  server.state.handler = (req, res) => {
    times.push(Date.now());
    const step = steps[times.length - 1];
    if (step === 'reset') return req.socket.destroy();
    if (step === 'hang') return hung.push(res);
    const [status, headers] = typeof step === 'object' ? step : [step ?? 200, {}];
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(status === 200 ? JSON.stringify({ keys: [key.jwk] }) : '');
  };
  return {
    times,
    release: () => {
      for (const res of hung) res.destroy();
    },
  };
}

const transports = [
  ['the native transport', {}],
  ["Node's http (requestAgent)", { requestAgent: new http.Agent() }],
];

const rejection = (promise) =>
  promise.then(
    () => assert.fail('expected the lookup to reject'),
    (err) => err,
  );

const described = (err) => ({ name: err.name, message: err.message, code: err.code });

// What jwks-rsa 4.1.0 reports for one failed request of the same kind.
async function upstream(steps, options = {}) {
  script(...steps);
  const err = await rejection(jwksRsa({ jwksUri: server.url, ...options }).getSigningKey('k1'));
  server.state.requests.length = 0;
  return described(err);
}

for (const [name, transport] of transports) {
  test(`${name}: a cold lookup survives a reset connection and a 503`, { skip: nativeOnly }, async () => {
    const { times } = script('reset', 503);
    const client = jwksClient({ jwksUri: server.url, retry: { retries: 2 }, ...transport });
    assert.equal((await client.getSigningKey('k1')).getPublicKey(), key.pem);
    assert.equal(times.length, 3);
    // Jittered backoff from the default minDelay: 100-200 ms, then 200-400 ms.
    assert.ok(times[1] - times[0] >= 95, `${times[1] - times[0]} ms`);
    assert.ok(times[2] - times[1] >= 195, `${times[2] - times[1]} ms`);
    const { fetches, fetchErrors } = client.stats();
    assert.deepEqual({ fetches, fetchErrors }, { fetches: 1, fetchErrors: 0 });
  });

  test(`${name}: a 429's Retry-After is waited for`, { skip: nativeOnly }, async () => {
    const { times } = script([429, { 'retry-after': '1' }]);
    const client = jwksClient({ jwksUri: server.url, retry: true, ...transport });
    assert.equal((await client.getSigningKey('k1')).getPublicKey(), key.pem);
    assert.equal(times.length, 2);
    assert.ok(times[1] - times[0] >= 990, `${times[1] - times[0]} ms`);
  });

  test(`${name}: after the last retry the last failure is jwks-rsa's`, { skip: nativeOnly }, async () => {
    const expected = await upstream([503], transport);
    script('reset', 503, 503);
    const client = jwksClient({ jwksUri: server.url, retry: { retries: 2, minDelay: 1 }, ...transport });
    const err = await rejection(client.getSigningKey('k1'));
    assert.deepEqual(described(err), expected);
    assert.equal(server.count, 3);
  });

  test(`${name}: a 404, a 400 and an invalid body are not retried`, { skip: nativeOnly }, async () => {
    const html = (_req, res) => res.end('<html>login</html>');
    for (const answer of [() => script(404), () => script(400), () => (server.state.handler = html)]) {
      answer();
      const expected = described(await rejection(jwksRsa({ jwksUri: server.url, ...transport }).getSigningKey('k1')));
      server.state.requests.length = 0;
      answer();
      const client = jwksClient({ jwksUri: server.url, retry: { retries: 3, minDelay: 1 }, ...transport });
      assert.deepEqual(described(await rejection(client.getSigningKey('k1'))), expected);
      assert.equal(server.count, 1, `one request for ${expected.message}`);
      server.state.requests.length = 0;
    }
  });

  test(`${name}: a hanging endpoint fails at the timeout, not once per retry`, { skip: nativeOnly }, async () => {
    const expected = await upstream(['reset'], transport);
    const { release } = script('hang', 'hang');
    const client = jwksClient({ jwksUri: server.url, timeout: 400, retry: { retries: 3, minDelay: 1 }, ...transport });
    const started = Date.now();
    const err = await rejection(client.getSigningKey('k1'));
    const elapsed = Date.now() - started;
    release();
    assert.deepEqual(described(err), expected);
    assert.ok(elapsed >= 390 && elapsed < 700, `${elapsed} ms`);
    assert.equal(server.count, 1);
  });

  test(`${name}: a retry is cut at the deadline of the whole lookup`, { skip: nativeOnly }, async () => {
    const { release } = script(503, 'hang');
    const client = jwksClient({ jwksUri: server.url, timeout: 500, retry: { retries: 3, minDelay: 50 }, ...transport });
    const started = Date.now();
    const err = await rejection(client.getSigningKey('k1'));
    const elapsed = Date.now() - started;
    release();
    assert.deepEqual(described(err), { name: 'Error', message: 'socket hang up', code: 'ECONNRESET' });
    assert.ok(elapsed >= 490 && elapsed < 800, `${elapsed} ms`);
    assert.equal(server.count, 2);
  });

  test(`${name}: without the option, a failure costs one request as in jwks-rsa`, async () => {
    for (const step of ['reset', 503, 429]) {
      const expected = await upstream([step], transport);
      script(step);
      const err = await rejection(jwksClient({ jwksUri: server.url, ...transport }).getSigningKey('k1'));
      assert.deepEqual(described(err), expected);
      assert.equal(server.count, 1, `one request for ${step}`);
      server.state.requests.length = 0;
    }
  });
}

test('a Retry-After past maxDelay is not waited for', { skip: nativeOnly }, async () => {
  script([503, { 'retry-after': '30' }]);
  const client = jwksClient({ jwksUri: server.url, retry: { retries: 2, maxDelay: 2000 } });
  const started = Date.now();
  const err = await rejection(client.getSigningKey('k1'));
  assert.equal(err.message, 'Service Unavailable');
  assert.ok(Date.now() - started < 500);
  assert.equal(server.count, 1);
});

test('the retries of a fetch take one token of the rate limiter', { skip: nativeOnly }, async () => {
  script(503, 502);
  const client = jwksClient({ jwksUri: server.url, rateLimit: true, jwksRequestsPerMinute: 1, retry: { retries: 2, minDelay: 1 } });
  assert.equal((await client.getSigningKey('k1')).getPublicKey(), key.pem);
  assert.equal(server.count, 3);
  assert.equal(client.stats().fetches, 1);
  const err = await rejection(client.getSigningKey('unknown'));
  assert.equal(err.name, 'JwksRateLimitError');
});

test('a revalidation is retried with its validators', { skip: nativeOnly }, async () => {
  server.state.handler = (req, res) => {
    if (req.headers['if-none-match'] === '"v1"') {
      res.writeHead(server.count === 2 ? 503 : 304);
      return res.end();
    }
    res.writeHead(200, { etag: '"v1"', 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [key.jwk] }));
  };
  const client = jwksClient({ jwksUri: server.url, conditionalRequests: true, retry: { minDelay: 1 } });
  await client.getSigningKeys();
  const keys = await client.getSigningKeys();
  assert.equal(keys[0].getPublicKey(), key.pem);
  assert.deepEqual(
    server.state.requests.map((r) => r.headers['if-none-match']),
    [undefined, '"v1"', '"v1"'],
  );
  assert.equal(client.stats().notModified, 1);
});

test('with sharedCache, the fetch behind the store is retried', { skip: nativeOnly }, async () => {
  script('reset');
  const entries = new Map();
  const store = { get: async (k) => entries.get(k) ?? null, set: async (k, v) => void entries.set(k, v) };
  const options = { jwksUri: server.url, sharedCache: { store }, retry: { minDelay: 1 } };
  assert.equal((await jwksClient(options).getSigningKey('k1')).getPublicKey(), key.pem);
  assert.equal(server.count, 2);
  assert.equal(entries.size, 1);
  // Another client reads the stored set: no request.
  assert.equal((await jwksClient(options).getSigningKey('k1')).getPublicKey(), key.pem);
  assert.equal(server.count, 2);
});

test('retry takes true, false or { retries, minDelay, maxDelay } within their ranges', () => {
  const made = (retry) => jwksClient({ jwksUri: server.url, retry });
  for (const retry of [undefined, null, false, true, {}, { retries: 0 }, { retries: 10, minDelay: 0, maxDelay: 0 }, { minDelay: 5000 }]) {
    assert.doesNotThrow(() => made(retry), JSON.stringify(retry));
  }
  const refused = [
    [1, 'retry must be true, false or an object { retries, minDelay, maxDelay }, got 1'],
    ['yes', 'retry must be true, false or an object { retries, minDelay, maxDelay }, got "yes"'],
    [[2], 'retry must be true, false or an object { retries, minDelay, maxDelay }, got [2]'],
    [{ retries: 11 }, 'retry.retries must be a whole number of retries from 0 to 10, got 11'],
    [{ retries: 1.5 }, 'retry.retries must be a whole number of retries from 0 to 10, got 1.5'],
    [{ retries: '2' }, 'retry.retries must be a whole number of retries from 0 to 10, got "2"'],
    [{ minDelay: -1 }, 'retry.minDelay must be a whole number of milliseconds from 0 to 2147483647, got -1'],
    [{ maxDelay: 50 }, 'retry.maxDelay must be a whole number of milliseconds from 100 to 2147483647, got 50'],
    [{ minDelay: 10, maxDelay: 2 ** 31 }, 'retry.maxDelay must be a whole number of milliseconds from 10 to 2147483647, got 2147483648'],
  ];
  for (const [retry, message] of refused) {
    assert.throws(
      () => made(retry),
      (err) => err instanceof ArgumentError && err.message === message,
      JSON.stringify(retry),
    );
  }
});

test('under nock, a mocked 503 and a mocked reset are retried', { skip: nativeOnly }, async () => {
  const nock = require('nock');
  try {
    const host = 'http://my-authz-server.invalid';
    const scope = nock(host)
      .get('/jwks')
      .reply(503)
      .get('/jwks')
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
      .get('/jwks')
      .reply(200, { keys: [key.jwk] });
    const client = jwksClient({ jwksUri: `${host}/jwks`, retry: { retries: 2, minDelay: 1 } });
    assert.equal((await client.getSigningKey('k1')).getPublicKey(), key.pem);
    assert.ok(scope.isDone());
  } finally {
    nock.cleanAll();
    nock.restore();
  }
});
