'use strict';

// Each helper called the way its framework calls it, with jwks-rsa 4.1.0
// and with this package: the same values, errors and callback arguments.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { KeyObject } = require('crypto');
const upstream = require('jwks-rsa');
const native = require('..');
const { generate } = require('./helpers/keys');
const { startJwksServer, closedPort } = require('./helpers/server');
const { callbackArgs, picture, settled } = require('./helpers/outcomes');

const implementations = { upstream, native };
const rsa = generate('RS256', 'rsa');
const ec = generate('ES256', 'ec');

let endpoint;
let downUri;
before(async () => {
  endpoint = await startJwksServer([rsa.jwk, ec.jwk]);
  downUri = `http://127.0.0.1:${await closedPort()}/jwks`;
});
after(() => endpoint.close());

// Runs `scenario(lib)` with both implementations and expects one answer.
async function same(scenario) {
  const answers = {};
  for (const [name, lib] of Object.entries(implementations)) answers[name] = await scenario(lib);
  assert.deepEqual(answers.native, answers.upstream);
  return answers.native;
}

const headers = () => [
  undefined,
  {},
  { alg: 'RS256', kid: 'rsa' },
  { alg: 'ES256', kid: 'ec' },
  { alg: 'RS256', kid: 'missing' },
  { alg: 'HS256', kid: 'rsa' },
  { alg: 'none', kid: 'rsa' },
  { kid: 'rsa' },
  { alg: 'RS256' },
];

test('the helpers refuse missing options with the same errors', async () => {
  for (const helper of ['expressJwtSecret', 'passportJwtSecret', 'hapiJwt2Key', 'hapiJwt2KeyAsync', 'koaJwtSecret']) {
    for (const options of [undefined, null, {}, { cache: false }]) {
      const answer = await same(async (lib) => settled(() => lib[helper](options) && 'created'));
      if (options === undefined && helper !== 'koaJwtSecret') {
        assert.deepEqual(answer.rejected, {
          error: 'ArgumentError',
          message: `An options object must be provided when initializing ${helper.replace('Async', '')}`,
        });
      }
    }
  }
  assert.throws(() => native.koaJwtSecret({}), { name: 'ArgumentError', message: 'No JWKS provided. Please provide a jwksUri' });
  assert.throws(() => native.passportJwtSecret({}), native.ArgumentError);
});

test('express-jwt 7+ form: (req, token) resolves the same key or nothing', async () => {
  for (const header of headers()) {
    for (const token of [undefined, null, { header }]) {
      await same((lib) => settled(() => lib.expressJwtSecret({ jwksUri: endpoint.url })({}, token)));
    }
  }
});

test('express-jwt 6 form: (req, header, payload, cb) calls back the same, on a later turn', async () => {
  for (const header of headers()) {
    const args = await same((lib) => {
      const secret = lib.expressJwtSecret({ jwksUri: endpoint.url });
      let calling = true;
      const args = callbackArgs((cb) => {
        const returned = secret({}, header, {}, (...values) => cb(calling, ...values));
        calling = false;
        assert.equal(returned, undefined);
      });
      return args;
    });
    assert.equal(args[0], false, 'never called back synchronously');
    assert.ok(args.length === 2 || args.length === 3);
  }
  assert.equal(native.expressJwtSecret({ jwksUri: endpoint.url }).length, 4, 'express-jwt 6 reads the arity');
});

test('expressJwtSecret: endpoint errors reach the framework, unknown kids do not', async () => {
  const down = await same((lib) => settled(() => lib.expressJwtSecret({ jwksUri: downUri })({}, { header: { alg: 'RS256', kid: 'rsa' } })));
  assert.match(down.rejected.message, /ECONNREFUSED/);
  const unknown = await same((lib) =>
    settled(() => lib.expressJwtSecret({ jwksUri: endpoint.url })({}, { header: { alg: 'RS256', kid: 'x' } })),
  );
  assert.deepEqual(unknown, { resolved: undefined });
});

test('expressJwtSecret: a custom handleSigningKeyError decides', async () => {
  const policies = {
    withhold: (err, cb) => cb(null),
    replace: (err, cb) => cb(new Error(`wrapped: ${err.name}`)),
    throwing: () => {
      throw new Error('handler threw');
    },
  };
  for (const policy of Object.values(policies)) {
    for (const form of ['v6', 'v7']) {
      await same((lib) => {
        const secret = lib.expressJwtSecret({ jwksUri: endpoint.url, handleSigningKeyError: policy });
        const header = { alg: 'RS256', kid: 'unknown' };
        if (form === 'v7') return settled(() => secret({}, { header }));
        return callbackArgs((cb) => secret({}, header, {}, cb));
      });
    }
  }
});

test('koaJwtSecret: the same key or the same rejection for each header', async () => {
  for (const header of headers()) {
    await same((lib) => settled(() => lib.koaJwtSecret({ jwksUri: endpoint.url })(header)));
  }
  await same((lib) => settled(() => lib.koaJwtSecret({ jwksUri: downUri })({ alg: 'ES256', kid: 'ec' })));
  // A null header cannot be destructured: a synchronous TypeError in both.
  await same((lib) => settled(() => lib.koaJwtSecret({ jwksUri: endpoint.url })(null)));
});

test('koaJwtSecret: handleSigningKeyError resolves to the rejection reason', async () => {
  const answer = await same((lib) => {
    const handleSigningKeyError = async (err) => new Error(`handled ${err.name}`);
    return settled(() => lib.koaJwtSecret({ jwksUri: endpoint.url, handleSigningKeyError })({ alg: 'RS256', kid: 'nope' }));
  });
  assert.deepEqual(answer.rejected, { error: 'Error', message: 'handled SigningKeyNotFoundError' });
});

test('hapiJwt2Key: the same three callback arguments for each decoded token', async () => {
  const decodedTokens = [undefined, null, {}, ...headers().map((header) => ({ header }))];
  for (const decoded of decodedTokens) {
    const args = await same((lib) => callbackArgs((cb) => lib.hapiJwt2Key({ jwksUri: endpoint.url })(decoded, cb)));
    assert.equal(args.length, 3);
  }
  await same((lib) => callbackArgs((cb) => lib.hapiJwt2Key({ jwksUri: downUri })({ header: { alg: 'RS256', kid: 'rsa' } }, cb)));
});

test('hapiJwt2KeyAsync: resolves { key } or rejects, as jwks-rsa does', async () => {
  const decodedTokens = [undefined, {}, ...headers().map((header) => ({ header }))];
  for (const decoded of decodedTokens) {
    await same((lib) => settled(() => lib.hapiJwt2KeyAsync({ jwksUri: endpoint.url })(decoded)));
  }
  // A handler that withholds the key without an error: the promise rejects with null.
  const withheld = await same((lib) => {
    const provider = lib.hapiJwt2KeyAsync({ jwksUri: endpoint.url, handleSigningKeyError: (err, cb) => cb(null) });
    return settled(() => provider({ header: { alg: 'RS256', kid: 'gone' } }));
  });
  assert.deepEqual(withheld, { rejected: null });
});

// Records the calls of a callback that throws on its first call: the first,
// and whatever follows from it within the next few milliseconds.
function throwingOnce(run) {
  return new Promise((resolve) => {
    const calls = [];
    run((...args) => {
      calls.push(args.map(picture));
      if (calls.length > 1) return;
      setTimeout(() => resolve(calls), 20);
      throw new Error('callback threw');
    });
  });
}

test('a callback that throws reaches the error handler and is called again, as with jwks-rsa', async () => {
  const header = { alg: 'RS256', kid: 'rsa' };
  const token = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.e30.`;
  const hapi = await same((lib) => throwingOnce((cb) => lib.hapiJwt2Key({ jwksUri: endpoint.url })({ header }, cb)));
  assert.equal(hapi.length, 2);
  assert.deepEqual(hapi[1], [{ error: 'Error', message: 'callback threw' }, null, null]);
  const passport = await same((lib) => throwingOnce((cb) => lib.passportJwtSecret({ jwksUri: endpoint.url })({}, token, cb)));
  assert.equal(passport.length, 2);
});

test('the package exports what jwks-rsa exports, in the same order', async () => {
  assert.deepEqual(Object.keys(native), Object.keys(upstream));
  const esm = await import('../index.mjs');
  for (const name of Object.keys(upstream)) assert.equal(esm[name], native[name], name);
});

// How each helper is asked for the RSA key, as its framework asks.
const RSA_HEADER = { alg: 'RS256', kid: 'rsa' };
const RSA_TOKEN = `${Buffer.from(JSON.stringify(RSA_HEADER)).toString('base64url')}.e30.`;
const askers = {
  expressJwtSecret: (p) => p({}, { header: RSA_HEADER }),
  koaJwtSecret: (p) => p(RSA_HEADER),
  hapiJwt2KeyAsync: async (p) => (await p({ header: RSA_HEADER })).key,
  hapiJwt2Key: (p) => new Promise((resolve) => p({ header: RSA_HEADER }, (err, key) => resolve(key))),
  passportJwtSecret: (p) => new Promise((resolve) => p({}, RSA_TOKEN, (err, key) => resolve(key))),
};

test('keyObject: true hands out one cached KeyObject; the default stays the PEM', async () => {
  for (const [helper, ask] of Object.entries(askers)) {
    assert.equal(await ask(native[helper]({ jwksUri: endpoint.url })), rsa.pem, helper);
    const provider = native[helper]({ jwksUri: endpoint.url, keyObject: true });
    const first = await ask(provider);
    assert.ok(first instanceof KeyObject, helper);
    assert.equal(first.export({ type: 'spki', format: 'pem' }).replace(/\n$/, ''), rsa.pem);
    assert.equal(await ask(provider), first, `${helper}: the same object each time`);
  }
  const hapi = native.hapiJwt2Key({ jwksUri: endpoint.url, keyObject: true });
  const [, key, signingKey] = await new Promise((resolve) => hapi({ header: RSA_HEADER }, (...args) => resolve(args)));
  assert.equal(key, signingKey.getPublicKeyObject(), 'the signing key still comes third');
});

test('each helper keeps its client reachable, not enumerable', async () => {
  for (const [helper, ask] of Object.entries(askers)) {
    const provider = native[helper]({ jwksUri: endpoint.url });
    assert.ok(provider.client instanceof native.JwksClient, helper);
    assert.deepEqual(Object.keys(provider), []);
    await ask(provider);
    await ask(provider);
    assert.equal(provider.client.stats().fetches, 1, helper);
  }
});
