'use strict';

// Key types jwks-rsa 4.1.0 skips, served only when asked for: keys published
// only as an `x5c` certificate (`x5cOnlyKeys: true`) and EC keys on secp256k1
// (`secp256k1: true`, ES256K). Without the options this package skips them
// exactly as jwks-rsa 4.1.0 does, which each test checks side by side.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const jwt = require('jsonwebtoken');
const upstream = require('jwks-rsa');
const jwksClient = require('..');
const { certifiedKey } = require('./helpers/certified-keys');
const { generate, pemOf } = require('./helpers/keys');
const { CLAIMS } = require('./helpers/tokens');
const { startJwksServer } = require('./helpers/server');

let server;
before(async () => {
  server = await startJwksServer([]);
});
after(() => server.close());

function serve(keys) {
  server.state.body = undefined;
  server.state.keys = keys;
}

const certified = ['RS256', 'PS256', 'ES256', 'ES512', 'EdDSA'].map((alg) => certifiedKey(alg, `x5c-${alg}`));
const k1 = certifiedKey('ES256K', 'k1');
// The ES256K key with its members only, and without its alg (jwks-rsa 3 inferred ES256K).
const k1Members = { ...k1.full, x5c: undefined };
const k1NoAlg = { ...k1Members, kid: 'k1-no-alg', alg: undefined };
const plain = generate('RS256', 'plain');

const segment = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
// jsonwebtoken 9 has neither EdDSA nor ES256K: those are signed and
// verified with node:crypto (JWS: raw r||s signatures for ECDSA).
const NODE_ALGS = { EdDSA: null, ES256K: 'sha256' };

function sign(key) {
  if (!(key.alg in NODE_ALGS)) return jwt.sign(CLAIMS, key.privateKey, { algorithm: key.alg, keyid: key.kid });
  const input = `${segment({ alg: key.alg, typ: 'JWT', kid: key.kid })}.${segment(CLAIMS)}`;
  const signature = crypto.sign(NODE_ALGS[key.alg], Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

// The claims of `token` verified with `publicKey` (a PEM or a KeyObject); throws otherwise.
function verify(token, publicKey) {
  const [header, payload, signature] = token.split('.');
  const { alg } = JSON.parse(Buffer.from(header, 'base64url'));
  if (!(alg in NODE_ALGS)) return jwt.verify(token, publicKey, { algorithms: [alg] });
  const key = { key: publicKey, dsaEncoding: 'ieee-p1363' };
  if (!crypto.verify(NODE_ALGS[alg], Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url'))) {
    throw new Error('invalid signature');
  }
  return JSON.parse(Buffer.from(payload, 'base64url'));
}

async function outcome(promise) {
  try {
    const value = await promise;
    const keys = Array.isArray(value) ? value : [value];
    return { ok: keys.map((k) => ({ own: Object.keys(k), kid: k.kid, alg: k.alg, pem: k.getPublicKey() })) };
  } catch (err) {
    return { error: `${err.name}: ${err.message}` };
  }
}

// The same call on jwks-rsa 4.1.0 and on this package: the same outcome.
async function asJwksRsa(options, call) {
  const theirs = await outcome(call(upstream(options)));
  const ours = await outcome(call(jwksClient(options)));
  assert.deepEqual(ours, theirs);
  return ours;
}

test('without x5cOnlyKeys, keys given only as x5c are skipped as jwks-rsa 4.1.0 skips them', async () => {
  serve([...certified.map((k) => k.jwk), plain.jwk]);
  const keys = await asJwksRsa({ jwksUri: server.url }, (c) => c.getSigningKeys());
  assert.deepEqual(
    keys.ok.map((k) => k.kid),
    ['plain'],
  );
  const missing = await asJwksRsa({ jwksUri: server.url }, (c) => c.getSigningKey('x5c-RS256'));
  assert.equal(missing.error, "SigningKeyNotFoundError: Unable to find a signing key that matches 'x5c-RS256'");
  serve(certified.map((k) => k.jwk));
  const none = await asJwksRsa({ jwksUri: server.url }, (c) => c.getSigningKey('x5c-ES256'));
  assert.equal(none.error, 'JwksError: The JWKS endpoint did not contain any signing keys');
  for (const value of [1, 'true', {}]) {
    const client = jwksClient({ jwksUri: server.url, x5cOnlyKeys: value });
    await assert.rejects(client.getSigningKey('x5c-ES256'), { name: 'JwksError' }, `x5cOnlyKeys: ${JSON.stringify(value)}`);
  }
});

test("with x5cOnlyKeys: true, each key is its certificate's key and verifies the tokens it signed", async () => {
  serve([...certified.map((k) => k.jwk), plain.jwk]);
  const client = jwksClient({ jwksUri: server.url, x5cOnlyKeys: true });
  for (const key of certified) {
    const served = await client.getSigningKey(key.kid);
    assert.equal(served.getPublicKey(), key.pem, key.alg);
    assert.deepEqual([served.kid, served.alg], [key.kid, key.alg]);
    const token = sign(key);
    assert.equal(verify(token, served.getPublicKey()).sub, CLAIMS.sub, key.alg);
    assert.equal(verify(token, served.getPublicKeyObject()).sub, CLAIMS.sub, key.alg);
    const forged = sign({ ...certifiedKey(key.alg, 'stranger'), kid: key.kid });
    assert.throws(() => verify(forged, served.getPublicKey()), /invalid signature/, key.alg);
  }
  assert.equal((await client.getSigningKeys()).length, certified.length + 1);
  assert.equal(client.stats().skipped, 0);
});

test('a key with its own members and an x5c is served from its members, with or without the option', async () => {
  const [rsa, other] = certified;
  serve([{ ...rsa.full, x5c: other.jwk.x5c }]);
  for (const x5cOnlyKeys of [false, true]) {
    const served = await asJwksRsa({ jwksUri: server.url, x5cOnlyKeys }, (c) => c.getSigningKey(rsa.kid));
    assert.equal(served.ok[0].pem, rsa.pem);
  }
});

test('certificates that are malformed or contradict the JWK are skipped, and counted', async () => {
  const [rsa, , ec] = certified;
  const der = Buffer.from(ec.jwk.x5c[0], 'base64');
  const bad = [
    { ...ec.jwk, kid: 'truncated', x5c: [der.subarray(0, der.length - 1).toString('base64')] },
    { ...ec.jwk, kid: 'trailing', x5c: [Buffer.concat([der, Buffer.from([0])]).toString('base64')] },
    { ...ec.jwk, kid: 'garbage', x5c: ['bm90IGEgY2VydGlmaWNhdGU='] },
    { ...ec.jwk, kid: 'not-an-array', x5c: ec.jwk.x5c[0] },
    { ...ec.jwk, kid: 'empty', x5c: [] },
    { ...ec.jwk, kid: 'rsa-cert', x5c: rsa.jwk.x5c },
    { ...ec.jwk, kid: 'other-crv', crv: 'P-384' },
    { ...ec.jwk, kid: 'other-alg', alg: 'ES384' },
  ];
  serve([...bad, ec.jwk]);
  const client = jwksClient({ jwksUri: server.url, x5cOnlyKeys: true });
  const keys = await client.getSigningKeys();
  assert.deepEqual(
    keys.map((k) => k.kid),
    [ec.kid],
  );
  assert.equal(client.stats().skipped, bad.length);
  await assert.rejects(client.getSigningKey('truncated'), { name: 'SigningKeyNotFoundError' });
});

test("real providers' certificates give the keys jwks-rsa serves from their members", async () => {
  const dir = path.join(__dirname, '..', 'tests', 'fixtures', 'jwks');
  let compared = 0;
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const body = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    if (!body.keys.some((k) => Array.isArray(k.x5c) && k.n)) continue;
    server.state.body = JSON.stringify(body);
    const theirs = await outcome(upstream({ jwksUri: server.url }).getSigningKeys());
    const stripped = body.keys.map(({ n, e, ...rest }) => (rest.x5c ? rest : { n, e, ...rest }));
    server.state.body = JSON.stringify({ keys: stripped });
    const ours = await outcome(jwksClient({ jwksUri: server.url, x5cOnlyKeys: true }).getSigningKeys());
    assert.deepEqual(ours, theirs, file);
    compared += theirs.ok.length;
  }
  assert.ok(compared >= 40, `${compared} keys compared`);
});

test('without secp256k1, ES256K keys are skipped as jwks-rsa 4.1.0 skips them', async () => {
  serve([k1Members, k1NoAlg, plain.jwk]);
  for (const kid of ['k1', 'k1-no-alg']) {
    const missing = await asJwksRsa({ jwksUri: server.url }, (c) => c.getSigningKey(kid));
    assert.equal(missing.error, `SigningKeyNotFoundError: Unable to find a signing key that matches '${kid}'`);
  }
  const client = jwksClient({ jwksUri: server.url, secp256k1: 'true' });
  await assert.rejects(client.getSigningKey('k1'), { name: 'SigningKeyNotFoundError' });
});

test('with secp256k1: true, ES256K keys are served, as jwks-rsa 3 served them, and verify ES256K tokens', async () => {
  serve([k1Members, k1NoAlg, { ...k1Members, kid: 'off-curve', y: k1.full.x }, { ...k1Members, kid: 'wrong-alg', alg: 'ES256' }]);
  const client = jwksClient({ jwksUri: server.url, secp256k1: true });
  const served = await client.getSigningKey('k1');
  assert.equal(served.getPublicKey(), pemOf(k1.full));
  assert.equal(served.getPublicKey(), k1.pem);
  assert.equal(served.alg, 'ES256K');
  assert.equal(verify(sign(k1), served.getPublicKey()).sub, CLAIMS.sub);
  assert.equal(verify(sign(k1), served.getPublicKeyObject()).sub, CLAIMS.sub);
  const inferredKey = await client.getSigningKey('k1-no-alg');
  assert.equal(inferredKey.alg, undefined);
  assert.equal(inferredKey.getPublicKey(), k1.pem);
  assert.deepEqual(
    (await client.getSigningKeys()).map((k) => k.kid),
    ['k1', 'k1-no-alg'],
  );
  assert.equal(client.stats().skipped, 2);
});

test('an ES256K key given only as x5c needs both options', async () => {
  serve([k1.jwk, plain.jwk]);
  for (const options of [{ x5cOnlyKeys: true }, { secp256k1: true }]) {
    await assert.rejects(jwksClient({ jwksUri: server.url, ...options }).getSigningKey('k1'), { name: 'SigningKeyNotFoundError' });
  }
  const served = await jwksClient({ jwksUri: server.url, x5cOnlyKeys: true, secp256k1: true }).getSigningKey('k1');
  assert.equal(served.getPublicKey(), k1.pem);
});

test('keys from getKeysInterceptor follow the same options', async () => {
  serve([plain.jwk]);
  const ec = certified[2];
  const options = { jwksUri: server.url, getKeysInterceptor: async () => [ec.jwk, k1Members] };
  for (const kid of [ec.kid, k1.kid]) {
    // Skipped among the interceptor's keys, then not found at the endpoint.
    const missing = await asJwksRsa(options, (c) => c.getSigningKey(kid));
    assert.equal(missing.error, `SigningKeyNotFoundError: Unable to find a signing key that matches '${kid}'`);
  }
  const client = jwksClient({ ...options, x5cOnlyKeys: true, secp256k1: true });
  const fetches = server.count;
  assert.equal((await client.getSigningKey(ec.kid)).getPublicKey(), ec.pem);
  assert.equal((await client.getSigningKey(k1.kid)).getPublicKey(), k1.pem);
  assert.equal(server.count, fetches, 'the interceptor answered both without a fetch');
});

test('the options hold on the revalidating fetch path too (conditionalRequests, respectCacheControl)', async () => {
  serve([k1.jwk, certified[0].jwk]);
  for (const freshness of [{ conditionalRequests: true }, { respectCacheControl: true }]) {
    const client = jwksClient({ jwksUri: server.url, x5cOnlyKeys: true, secp256k1: true, ...freshness });
    assert.equal((await client.getSigningKey(k1.kid)).getPublicKey(), k1.pem);
    assert.equal((await client.getSigningKey(certified[0].kid)).getPublicKey(), certified[0].pem);
    const off = jwksClient({ jwksUri: server.url, ...freshness });
    await assert.rejects(off.getSigningKey(k1.kid), { name: 'JwksError' });
  }
});
