'use strict';

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { expressjwt: expressJwt8 } = require('express-jwt');
const native = require('..');
const { generate } = require('./helpers/keys');
const { CLAIMS, signToken } = require('./helpers/tokens');
const { callApi } = require('./helpers/http-client');
const { startProvider } = require('./helpers/oidc-provider');
const { startExpressApp, startFastifyApp, startKoaApp } = require('./helpers/apps');

// `issuers` as a function or a RegExp: issuers accepted at run time (a
// tenant or realm created after deploy), each discovered from its URL, with
// at most `maxIssuers` clients kept. An issuer not accepted causes no
// request, and a RegExp must match the whole `iss`.

const key = generate('RS256', 'tenant-key');
const tokenOf = (iss) => signToken(key, { claims: { ...CLAIMS, iss } });

const FRAMEWORKS = {
  'express-jwt 8': { helper: 'expressJwtSecret', start: (secret) => startExpressApp({ expressjwt: expressJwt8 }, secret) },
  'koa-jwt': { helper: 'koaJwtSecret', start: startKoaApp },
  'fastify + @fastify/jwt': { helper: 'fastifyJwtSecret', start: startFastifyApp },
};

let provider;
before(async () => {
  provider = await startProvider();
});
after(() => provider.close());

const requested = (since) => provider.requests.slice(since).map((r) => r.path);

for (const [name, { helper, start }] of Object.entries(FRAMEWORKS)) {
  describe(`${name}: ${helper} with issuers decided at run time`, () => {
    async function withApp(options, fn) {
      const secret = native[helper](options);
      const app = await start(secret);
      try {
        await fn((token) => callApi(app.url, token), secret);
      } finally {
        await app.close();
      }
    }

    test('a function accepts tenants created after the helper was, one client each', () => {
      const realms = new Set();
      const isRealm = (iss) => realms.has(iss);
      return withApp({ issuers: isRealm }, async (call, secret) => {
        const late = provider.tenant(`${helper}-late`, [key.jwk]);
        const since = provider.requests.length;
        assert.equal((await call(tokenOf(late.issuer))).status, 401, 'not yet accepted');
        assert.deepEqual(requested(since), [], 'and not asked for');
        realms.add(late.issuer);
        assert.equal((await call(tokenOf(late.issuer))).status, 200);
        assert.equal((await call(tokenOf(late.issuer))).status, 200);
        assert.deepEqual(requested(since), [late.documentPath, late.keysPath]);
        assert.deepEqual([...secret.clients.keys()], [late.issuer]);
      });
    });

    test('an async function and a RegExp decide the same way', async () => {
      const tenant = provider.tenant(`${helper}-rx`, [key.jwk]);
      const pattern = new RegExp(`^${provider.origin.replace(/\./g, '\\.')}/${helper}-r[a-z]+/$`);
      for (const issuers of [async (iss) => iss === tenant.issuer, pattern]) {
        await withApp({ issuers }, async (call) => {
          assert.equal((await call(tokenOf(tenant.issuer))).status, 200);
          const since = provider.requests.length;
          assert.equal((await call(tokenOf(`${provider.origin}/other/`))).status, 401);
          assert.deepEqual(requested(since), []);
        });
      }
    });
  });
}

test('a RegExp must match the whole iss: an unanchored pattern accepts no issuer that merely contains a match', async () => {
  const tenant = provider.tenant('rx-whole', [key.jwk]);
  const origin = provider.origin.replace(/\./g, '\\.');
  const secret = native.koaJwtSecret({ issuers: new RegExp(`${origin}/rx-[a-z]+/`, 'g') });
  const since = provider.requests.length;
  for (const iss of [`http://evil.example/${tenant.issuer}`, `${tenant.issuer}x/`]) {
    await assert.rejects(secret({ alg: 'RS256', kid: key.kid }, { iss }), {
      name: 'SigningKeyNotFoundError',
      message: `The token issuer '${iss}' is not one of the configured issuers`,
    });
  }
  assert.deepEqual(requested(since), []);
  // The `g` flag leaves no lastIndex behind: the issuer is accepted every time.
  for (let i = 0; i < 3; i++) assert.equal(await secret({ alg: 'RS256', kid: key.kid }, { iss: tenant.issuer }), key.pem);
  assert.deepEqual([...secret.clients.keys()], [tenant.issuer]);
});

test('at most maxIssuers clients are kept: the least recently used is dropped and closed', async () => {
  const tenants = ['m1', 'm2', 'm3'].map((name) => provider.tenant(name, [key.jwk]));
  const secret = native.expressJwtSecret({ issuers: (iss) => iss.startsWith(provider.origin), maxIssuers: 2 });
  const lookUp = (tenant) => secret({}, { header: { alg: 'RS256', kid: key.kid }, payload: { iss: tenant.issuer } });
  const closed = [];
  const watchClose = (tenant) => {
    const client = secret.clients.get(tenant.issuer);
    const close = client.close.bind(client);
    client.close = () => {
      closed.push(tenant.issuer);
      close();
    };
  };
  assert.equal(await lookUp(tenants[0]), key.pem);
  watchClose(tenants[0]);
  assert.equal(await lookUp(tenants[1]), key.pem);
  watchClose(tenants[1]);
  assert.equal(await lookUp(tenants[0]), key.pem, 'm1 is now the most recently used');
  assert.equal(await lookUp(tenants[2]), key.pem);
  assert.deepEqual([...secret.clients.keys()], [tenants[0].issuer, tenants[2].issuer]);
  assert.deepEqual(closed, [tenants[1].issuer]);
  // A dropped issuer comes back as a new client, discovered again.
  const since = provider.requests.length;
  assert.equal(await lookUp(tenants[1]), key.pem);
  assert.deepEqual(requested(since), [tenants[1].documentPath, tenants[1].keysPath]);
  assert.deepEqual(closed, [tenants[1].issuer, tenants[0].issuer]);
});

test('a function that throws or rejects passes its error on; an accepted iss that is not a URL gets no key', async () => {
  const boom = new Error('tenant store down');
  const header = { alg: 'RS256', kid: 'k' };
  await assert.rejects(native.koaJwtSecret({ issuers: () => Promise.reject(boom) })(header, { iss: 'https://a.example/' }), boom);
  await assert.rejects(
    native.koaJwtSecret({
      issuers: () => {
        throw boom;
      },
    })(header, { iss: 'https://a.example/' }),
    boom,
  );
  const anything = native.koaJwtSecret({ issuers: () => true });
  await assert.rejects(anything(header, { iss: 'not a url' }), {
    name: 'SigningKeyNotFoundError',
    message: "The token issuer 'not a url' is not one of the configured issuers",
  });
  await assert.rejects(anything(header, {}), { message: 'The token has no iss claim to choose its issuer by' });
  // Only `true` accepts: a truthy value that is not `true` refuses.
  const truthy = native.koaJwtSecret({ issuers: () => 'yes' });
  await assert.rejects(truthy(header, { iss: 'https://a.example/' }), { name: 'SigningKeyNotFoundError' });
  assert.equal(anything.clients.size + truthy.clients.size, 0);
});

test('maxIssuers must be a positive integer; issuers must be a list, a function or a RegExp', () => {
  for (const maxIssuers of [0, -1, 1.5, '10', null, Number.NaN]) {
    assert.throws(() => native.expressJwtSecret({ issuers: () => true, maxIssuers }), {
      name: 'ArgumentError',
      message: 'maxIssuers must be a positive integer',
    });
  }
  for (const issuers of ['https://a.example/', 42, {}, null]) {
    assert.throws(() => native.fastifyJwtSecret({ issuers }), {
      name: 'ArgumentError',
      message: 'issuers must be a non-empty array of issuer URLs or { issuer, jwksUri } objects, a function or a RegExp',
    });
  }
  assert.equal(native.passportJwtSecret({ issuers: /^https:\/\/a\.example\/$/, maxIssuers: 1 }).clients.size, 0);
});
