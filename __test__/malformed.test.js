'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const jwksClient = require('..');
const { generate } = require('./helpers/keys');
const { startJwksServer } = require('./helpers/server');

// Hostile endpoints must produce errors of the documented classes (or keys),
// never a crash, a hang or a panic crossing into Node.

const good = generate('RS256', 'good');
const rsa = good.jwk;
const ec = generate('ES256', 'ec').jwk;
const ed = generate('EdDSA', 'ed').jwk;

const hostileKeys = [
  null,
  42,
  'RSA',
  [],
  {},
  { kty: null },
  { kty: 'RSA' },
  { kty: 'RSA', n: 42, e: 'AQAB' },
  { kty: 'RSA', n: '', e: '' },
  { kty: 'RSA', n: 'AA', e: 'AQAB' },
  { kty: 'RSA', n: '!!!not base64!!!', e: 'AQAB' },
  { kty: 'RSA', n: 'A'.repeat(100_000), e: 'AQAB' },
  { ...rsa, e: 'A'.repeat(5000) },
  { ...rsa, n: rsa.n.slice(0, -2) + 'AA' },
  { ...rsa, d: 'AQAB' },
  { ...rsa, alg: { toString: 'RS256' } },
  { ...rsa, key_ops: 'verify' },
  { ...rsa, use: ['sig'] },
  { kty: 'EC', crv: 'P-256', x: ec.x, y: ec.x },
  { kty: 'EC', crv: 'P-256', x: ec.x },
  { kty: 'EC', crv: 'P-256', x: 'A'.repeat(200), y: ec.y },
  { kty: 'EC', crv: 'P-999', x: ec.x, y: ec.y },
  { kty: 'EC', crv: ['P-256'], x: ec.x, y: ec.y },
  { kty: 'OKP', crv: 'Ed25519', x: ed.x.slice(0, 10) },
  { kty: 'OKP', crv: 'Ed25519', x: '_'.repeat(43) },
  { kty: 'OKP', crv: 'Ed448', x: 'A'.repeat(76) },
  { kty: 'OKP', crv: 'X448', alg: 'ECDH-ES', x: 'A'.repeat(75) },
  { kty: 'oct', k: 'c2VjcmV0' },
];

const hostileBodies = [
  'null',
  'true',
  '"keys"',
  '[]',
  '{"keys":null}',
  '{"keys":"abc"}',
  '{"keys":{"length":2}}',
  '{"keys":[1,2,3]}',
  '{"keys":[',
  '\uFEFF{"keys":[]}',
  '{"keys":[{"kty":"RSA","n":"\\ud800","e":"AQAB"}]}',
  `{"keys":${'['.repeat(5000)}${']'.repeat(5000)}}`,
  '{"keys":[{"kty":"RSA","kid":"a","kid":"b"}]}',
  '1e999999',
  '\u0000\u0001\u0002',
  Buffer.from([0xff, 0xfe, 0x00, 0x7b]).toString('latin1'),
];

const KNOWN = new Set(['JwksError', 'SigningKeyNotFoundError', 'SyntaxError', 'TypeError', 'RangeError']);

let server;
before(async () => {
  server = await startJwksServer([]);
});
after(() => server.close());

test('hostile keys are skipped and the good key is still served', async () => {
  server.state.body = undefined;
  server.state.keys = [...hostileKeys, rsa];
  const client = jwksClient({ jwksUri: server.url });
  const keys = await client.getSigningKeys();
  assert.deepEqual(
    keys.map((k) => k.kid),
    ['good'],
  );
  assert.equal((await client.getSigningKey('good')).publicKey, good.pem);
  assert.equal(client.stats().skipped, hostileKeys.length);
});

test('a kid that is not a string leaves the key usable, without kid', async () => {
  server.state.body = JSON.stringify({ keys: [{ ...rsa, kid: { nested: true } }] });
  const [key] = await jwksClient({ jwksUri: server.url }).getSigningKeys();
  assert.equal(key.kid, undefined);
  assert.equal(key.publicKey, good.pem);
});

test('each hostile key alone yields "no signing keys" or "no keys"', async () => {
  for (const key of hostileKeys) {
    server.state.body = JSON.stringify({ keys: [key] });
    await assert.rejects(jwksClient({ jwksUri: server.url }).getSigningKey('x'), (err) => {
      assert.equal(err.name, 'JwksError', JSON.stringify(key).slice(0, 80));
      return true;
    });
  }
});

test('hostile bodies reject with a known error class from every entry point', async () => {
  for (const body of hostileBodies) {
    server.state.body = body;
    const client = jwksClient({ jwksUri: server.url });
    for (const call of [() => client.getSigningKey('x'), () => client.getSigningKeys(), () => client.getKeys()]) {
      try {
        await call();
      } catch (err) {
        assert.ok(KNOWN.has(err.name), `${err.name}: ${err.message} for ${body.slice(0, 40)}`);
      }
    }
  }
});
