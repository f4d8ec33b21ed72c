'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const http = require('http');
const jwksClient = require('..');
const { ArgumentError, JwksError, SigningKeyNotFoundError } = jwksClient;
const { generate, pemOf } = require('./helpers/keys');
const { startProvider, corpusSet } = require('./helpers/oidc-provider');
const { closedPort, until } = require('./helpers/server');
const { withClock } = require('./helpers/clock');
const { pki } = require('./helpers/pki');
const { startProxy } = require('./helpers/proxy');

// `issuer` instead of `jwksUri`: the key set named by the issuer's OpenID
// Connect discovery document, fetched from real loopback servers.

const key = generate('RS256', 'rotating-in');

async function rejection(promise) {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  assert.fail('expected a rejection');
}

async function withProvider(fn, options) {
  const provider = await startProvider(options);
  try {
    await fn(provider);
  } finally {
    await provider.close();
  }
}

test('the discovered jwks_uri serves a real provider set, each key as Node exports it', () =>
  withProvider(async (provider) => {
    const okta = corpusSet('okta');
    const tenant = provider.tenant('okta', okta.keys);
    const client = jwksClient({ issuer: tenant.issuer });
    for (const jwk of okta.keys) {
      assert.equal((await client.getSigningKey(jwk.kid)).getPublicKey(), pemOf(jwk));
    }
    assert.equal(provider.count(tenant.documentPath), 1);
    assert.equal(provider.count(tenant.keysPath), 1);
    assert.equal(provider.requests.length, 2);
    assert.equal(client.stats().discoveryFetches, 1);
  }));

test('an issuer without a trailing slash is looked up at the same path (OIDC Discovery section 4)', () =>
  withProvider(async (provider) => {
    const auth0 = corpusSet('auth0');
    const issuer = `${provider.origin}/tenant`;
    provider.serve('/tenant/.well-known/openid-configuration', { issuer, jwks_uri: `${provider.origin}/k` });
    provider.serve('/k', auth0);
    const keys = await jwksClient({ issuer }).getSigningKeys();
    assert.deepEqual(
      keys.map((k) => k.kid),
      auth0.keys.map((k) => k.kid),
    );
    assert.deepEqual(
      provider.requests.map((r) => r.path),
      ['/tenant/.well-known/openid-configuration', '/k'],
    );
  }));

test('concurrent first lookups share one discovery and one set fetch', () =>
  withProvider(async (provider) => {
    const tenant = provider.tenant('t', [key.jwk]);
    const client = jwksClient({ issuer: tenant.issuer });
    const release = provider.hold();
    const lookups = Array.from({ length: 20 }, () => client.getSigningKey(key.kid));
    await new Promise((resolve) => setImmediate(resolve));
    release();
    for (const found of await Promise.all(lookups)) assert.equal(found.publicKey, key.pem);
    assert.equal(provider.count(tenant.documentPath), 1);
    assert.equal(provider.count(tenant.keysPath), 1);
  }));

test('the document is kept for cacheMaxAge, then fetched again, and a moved jwks_uri is followed', () =>
  withProvider((provider) =>
    withClock(async (advance) => {
      const old = generate('ES256', 'old');
      const tenant = provider.tenant('t', [old.jwk, key.jwk]);
      const client = jwksClient({ issuer: tenant.issuer, cacheMaxAge: 60000 });
      assert.equal((await client.getSigningKey('old')).publicKey, old.pem);
      advance(59000);
      await client.getSigningKey('old');
      assert.equal(provider.count(tenant.documentPath), 1);
      provider.serve(tenant.documentPath, { issuer: tenant.issuer, jwks_uri: `${provider.origin}/moved` });
      provider.serve('/moved', { keys: [key.jwk] });
      advance(2000);
      assert.equal((await client.getSigningKey(key.kid)).publicKey, key.pem);
      assert.equal(provider.count(tenant.documentPath), 2);
      assert.equal(provider.count('/moved'), 1);
    }),
  ));

test('an unknown kid after a set fetch asks for the document again and finds the key at its new jwks_uri', () =>
  withProvider(async (provider) => {
    const old = generate('RS256', 'old');
    const tenant = provider.tenant('t', [old.jwk]);
    const client = jwksClient({ issuer: tenant.issuer });
    await client.getSigningKey('old');
    provider.serve(tenant.documentPath, { issuer: tenant.issuer, jwks_uri: `${provider.origin}/v2/keys` });
    provider.serve('/v2/keys', { keys: [key.jwk] });
    assert.equal((await client.getSigningKey(key.kid)).publicKey, key.pem);
    assert.deepEqual(
      provider.requests.map((r) => r.path),
      [tenant.documentPath, tenant.keysPath, tenant.keysPath, tenant.documentPath, '/v2/keys'],
    );
    // The new set now answers; the old one is no longer asked.
    await assert.rejects(client.getSigningKey('old'), { name: 'SigningKeyNotFoundError' });
    assert.equal(provider.count(tenant.keysPath), 2);
  }));

test('an unknown kid with an unchanged document rejects as jwks-rsa does, one document fetch per set fetch', () =>
  withProvider(async (provider) => {
    const tenant = provider.tenant('t', [key.jwk]);
    const client = jwksClient({ issuer: tenant.issuer });
    await client.getSigningKey(key.kid);
    for (const kid of ['forged-1', 'forged-2', 'forged-3']) {
      const err = await rejection(client.getSigningKey(kid));
      assert.ok(err instanceof SigningKeyNotFoundError);
      assert.equal(err.message, `Unable to find a signing key that matches '${kid}'`);
    }
    assert.equal(provider.count(tenant.keysPath), 4);
    assert.equal(provider.count(tenant.documentPath), 4);
    // The known key is still served from the cache.
    assert.equal((await client.getSigningKey(key.kid)).publicKey, key.pem);
    assert.equal(provider.requests.length, 8);
  }));

test('a burst of forged kids shares one set fetch and one document fetch', () =>
  withProvider(async (provider) => {
    const tenant = provider.tenant('t', [key.jwk]);
    const client = jwksClient({ issuer: tenant.issuer });
    await client.getSigningKey(key.kid);
    const release = provider.hold();
    const lookups = Array.from({ length: 20 }, (_, i) => rejection(client.getSigningKey(`forged-${i}`)));
    // Released once every lookup has joined the one fetch under way.
    await until(() => provider.count(tenant.keysPath) === 2 && client.stats().coalesced === 19);
    release();
    for (const err of await Promise.all(lookups)) assert.equal(err.name, 'SigningKeyNotFoundError');
    assert.equal(provider.count(tenant.keysPath), 2);
    assert.equal(provider.count(tenant.documentPath), 2);
  }));

test('during unknownKidCooldown, unknown kids cost one document fetch for the one set fetch, then nothing', () =>
  withProvider(async (provider) => {
    const tenant = provider.tenant('t', [key.jwk]);
    const client = jwksClient({ issuer: tenant.issuer, unknownKidCooldown: 60000 });
    await client.getSigningKey(key.kid);
    for (const kid of ['forged-1', 'forged-2', 'forged-3']) {
      await assert.rejects(client.getSigningKey(kid), { name: 'SigningKeyNotFoundError' });
    }
    assert.deepEqual(
      provider.requests.map((r) => r.path),
      [tenant.documentPath, tenant.keysPath, tenant.documentPath],
    );
  }));

test('a failed refresh of the document keeps the last good jwks_uri', () =>
  withProvider((provider) =>
    withClock(async (advance) => {
      const tenant = provider.tenant('t', [key.jwk]);
      const client = jwksClient({ issuer: tenant.issuer, cacheMaxAge: 1000 });
      await client.getSigningKey(key.kid);
      provider.serve(tenant.documentPath, 'down', 503);
      advance(1500);
      assert.equal((await client.getSigningKey(key.kid)).publicKey, key.pem);
      assert.equal(provider.count(tenant.documentPath), 2);
      assert.equal(provider.count(tenant.keysPath), 2);
    }),
  ));

// Each bad document: the lookup rejects with a JwksError saying what is wrong.
const BAD_DOCUMENTS = {
  'no jwks_uri': [(t) => ({ issuer: t.issuer }), 'has no jwks_uri'],
  'an empty jwks_uri': [(t) => ({ issuer: t.issuer, jwks_uri: '' }), 'has no jwks_uri'],
  'a jwks_uri that is not a string': [(t) => ({ issuer: t.issuer, jwks_uri: 42 }), 'has no jwks_uri'],
  'another issuer': [
    (t) => ({ issuer: 'https://attacker.example/', jwks_uri: t.jwksUri }),
    (t) => `names the issuer "https://attacker.example/", not ${JSON.stringify(t.issuer)}`,
  ],
  'the issuer without its trailing slash': [
    (t) => ({ issuer: t.issuer.slice(0, -1), jwks_uri: t.jwksUri }),
    (t) => `names the issuer ${JSON.stringify(t.issuer.slice(0, -1))}, not ${JSON.stringify(t.issuer)}`,
  ],
  'no issuer': [(t) => ({ jwks_uri: t.jwksUri }), (t) => `names the issuer undefined, not ${JSON.stringify(t.issuer)}`],
  'a jwks_uri that is not a URL': [(t) => ({ issuer: t.issuer, jwks_uri: 'keys' }), 'has a jwks_uri that is not a URL: "keys"'],
  'a file: jwks_uri': [
    (t) => ({ issuer: t.issuer, jwks_uri: 'file:///etc/passwd' }),
    'has a jwks_uri that is not https: "file:///etc/passwd"',
  ],
  'a body that is not JSON': [() => '<html>sign in</html>', 'is not JSON'],
  'a JSON array': [(t) => [{ issuer: t.issuer, jwks_uri: t.jwksUri }], 'is not a JSON object'],
  'JSON null': [() => 'null', 'is not a JSON object'],
  'an empty body': [() => '', 'is not JSON'],
};

for (const [name, [document, expected]] of Object.entries(BAD_DOCUMENTS)) {
  test(`a discovery document with ${name} is a JwksError naming it; no key set is fetched`, () =>
    withProvider(async (provider) => {
      const tenant = provider.tenant('t', [key.jwk]);
      provider.serve(tenant.documentPath, document(tenant));
      const client = jwksClient({ issuer: tenant.issuer });
      const err = await rejection(client.getSigningKey(key.kid));
      const what = typeof expected === 'function' ? expected(tenant) : expected;
      assert.ok(err instanceof JwksError, err.stack);
      assert.equal(err.message, `The OpenID Connect discovery document at ${provider.origin}${tenant.documentPath} ${what}`);
      // getSigningKeys and getKeys reject alike, from the memory of the failure.
      await assert.rejects(client.getSigningKeys(), { name: 'JwksError', message: err.message });
      await assert.rejects(client.getKeys(), { name: 'JwksError', message: err.message });
      assert.equal(provider.count(tenant.documentPath), 1);
      assert.equal(provider.count(tenant.keysPath), 0);
    }));
}

test('a discovery document over maxResponseBytes is refused by size', () =>
  withProvider(async (provider) => {
    const tenant = provider.tenant('t', [key.jwk]);
    provider.serve(tenant.documentPath, { issuer: tenant.issuer, jwks_uri: tenant.jwksUri, padding: 'x'.repeat(5000) });
    const err = await rejection(jwksClient({ issuer: tenant.issuer, maxResponseBytes: 4096 }).getSigningKey(key.kid));
    assert.ok(err instanceof JwksError);
    assert.equal(
      err.message,
      `The OpenID Connect discovery document at ${provider.origin}${tenant.documentPath} exceeded the limit of 4096 bytes`,
    );
    assert.equal(provider.count(tenant.keysPath), 0);
  }));

test('a discovery document answered with an HTTP error names the document and the status', () =>
  withProvider(async (provider) => {
    const issuer = `${provider.origin}/missing/`;
    const err = await rejection(jwksClient({ issuer }).getSigningKey(key.kid));
    assert.ok(err instanceof JwksError);
    assert.equal(
      err.message,
      `The OpenID Connect discovery document at ${issuer}.well-known/openid-configuration could not be fetched: Not Found`,
    );
  }));

test('a refused connection to the issuer rejects with the connection error, as a set fetch does', async () => {
  const port = await closedPort();
  const err = await rejection(jwksClient({ issuer: `http://127.0.0.1:${port}/` }).getSigningKey('k'));
  assert.equal(err.code, 'ECONNREFUSED');
  assert.equal(err.message, `connect ECONNREFUSED 127.0.0.1:${port}`);
});

test('an issuer that is not an http(s) URL is an ArgumentError at construction', () => {
  for (const issuer of ['', 'tenant.example.com', 'ftp://tenant.example.com/', 'https://t.example/?x=1', 'https://t.example/#f', 42]) {
    assert.throws(
      () => jwksClient({ issuer }),
      (err) => {
        assert.ok(err instanceof ArgumentError);
        assert.equal(err.message, `The issuer must be an http: or https: URL without query or fragment, got ${JSON.stringify(issuer)}`);
        return true;
      },
    );
  }
});

test('with jwksUri set, issuer changes nothing: no discovery request', () =>
  withProvider(async (provider) => {
    const tenant = provider.tenant('t', [key.jwk]);
    const client = jwksClient({ issuer: tenant.issuer, jwksUri: tenant.jwksUri });
    assert.equal((await client.getSigningKey(key.kid)).publicKey, key.pem);
    assert.deepEqual(
      provider.requests.map((r) => r.path),
      [tenant.keysPath],
    );
    assert.equal(client.stats().discoveryFetches, undefined);
  }));

test('with a fetcher, issuer changes nothing: the fetcher is called as in jwks-rsa', () =>
  withProvider(async (provider) => {
    const tenant = provider.tenant('t', [key.jwk]);
    const calls = [];
    const fetcher = async (uri) => {
      calls.push(uri);
      return { keys: [key.jwk] };
    };
    const client = jwksClient({ issuer: tenant.issuer, fetcher });
    assert.equal((await client.getSigningKey(key.kid)).publicKey, key.pem);
    assert.deepEqual(calls, [undefined]);
    assert.equal(provider.requests.length, 0);
  }));

test('the document is fetched with the requestHeaders and through the requestAgent, as the set is', () =>
  withProvider(async (provider) => {
    const tenant = provider.tenant('t', [key.jwk]);
    const agent = new http.Agent();
    const seen = [];
    const addRequest = agent.addRequest.bind(agent);
    agent.addRequest = (req, options) => {
      seen.push(req.path);
      return addRequest(req, options);
    };
    const client = jwksClient({ issuer: tenant.issuer, requestHeaders: { 'x-tenant': 'blue' }, requestAgent: agent });
    await client.getSigningKey(key.kid);
    assert.deepEqual(seen, [tenant.documentPath, tenant.keysPath]);
    assert.deepEqual(
      provider.requests.map((r) => r.headers['x-tenant']),
      ['blue', 'blue'],
    );
    agent.destroy();
  }));

test('callbacks, getKeys and getSigningKeys work through discovery', () =>
  withProvider(async (provider) => {
    const google = corpusSet('google');
    const tenant = provider.tenant('g', google.keys);
    const client = jwksClient({ issuer: tenant.issuer });
    const kid = google.keys[1].kid;
    const viaCallback = await new Promise((resolve, reject) => {
      client.getSigningKey(kid, (err, found) => (err ? reject(err) : resolve(found)));
    });
    assert.equal(viaCallback.publicKey, pemOf(google.keys[1]));
    assert.deepEqual(await client.getKeys(), google.keys);
    assert.equal((await client.getSigningKeys()).length, google.keys.length);
    assert.throws(() => client.getSigningKey(kid, 'not a function'), { name: 'TypeError' });
    assert.equal(provider.count(tenant.documentPath), 1);
  }));

test('https: the issuer is reached with the ca option, and an http: jwks_uri under it is refused', async () => {
  const { ca, serverCert, serverKey } = pki();
  await withProvider(
    async (provider) => {
      const tenant = provider.tenant('t', [key.jwk]);
      assert.equal((await jwksClient({ issuer: tenant.issuer, ca }).getSigningKey(key.kid)).publicKey, key.pem);
      const plain = tenant.jwksUri.replace('https:', 'http:');
      provider.serve(tenant.documentPath, { issuer: tenant.issuer, jwks_uri: plain });
      const err = await rejection(jwksClient({ issuer: tenant.issuer, ca }).getSigningKey(key.kid));
      assert.ok(err instanceof JwksError);
      assert.equal(
        err.message,
        `The OpenID Connect discovery document at ${tenant.issuer}.well-known/openid-configuration has a jwks_uri that is not https: "${plain}"`,
      );
      assert.equal(provider.count(tenant.keysPath), 1);
    },
    { tls: { cert: serverCert, key: serverKey } },
  );
});

test('through a proxy: the document and the set both take the CONNECT tunnel', async () => {
  const { ca, serverCert, serverKey } = pki();
  const proxy = await startProxy();
  try {
    await withProvider(
      async (provider) => {
        const tenant = provider.tenant('t', [key.jwk]);
        const client = jwksClient({ issuer: tenant.issuer, proxy: proxy.url, ca });
        assert.equal((await client.getSigningKey(key.kid)).publicKey, key.pem);
        const authority = provider.origin.slice('https://'.length);
        assert.deepEqual(
          proxy.seen.map((s) => `${s.method} ${s.target}`),
          [`CONNECT ${authority}`, `CONNECT ${authority}`],
        );
        assert.deepEqual(
          provider.requests.map((r) => r.path),
          [tenant.documentPath, tenant.keysPath],
        );
      },
      { tls: { cert: serverCert, key: serverKey } },
    );
  } finally {
    await proxy.close();
  }
});

test('an http: issuer may name an http: jwks_uri elsewhere', () =>
  withProvider(async (provider) => {
    const elsewhere = await startProvider();
    try {
      elsewhere.serve('/keys', { keys: [key.jwk] });
      const issuer = `${provider.origin}/t/`;
      provider.serve('/t/.well-known/openid-configuration', { issuer, jwks_uri: `${elsewhere.origin}/keys` });
      assert.equal((await jwksClient({ issuer }).getSigningKey(key.kid)).publicKey, key.pem);
      assert.equal(elsewhere.count('/keys'), 1);
    } finally {
      await elsewhere.close();
    }
  }));

// Last in this file: nock intercepts Node's http for the rest of the process.
test('nock: a mocked issuer and its mocked key set answer the lookup', async () => {
  const nock = require('nock');
  try {
    const host = 'https://tenant.example.invalid';
    const documentScope = nock(host)
      .get('/.well-known/openid-configuration')
      .reply(200, { issuer: `${host}/`, jwks_uri: `${host}/keys` });
    const keysScope = nock(host)
      .get('/keys')
      .reply(200, { keys: [key.jwk] });
    assert.equal((await jwksClient({ issuer: `${host}/` }).getSigningKey(key.kid)).publicKey, key.pem);
    assert.ok(documentScope.isDone());
    assert.ok(keysScope.isDone());
  } finally {
    nock.cleanAll();
    nock.restore();
  }
});
