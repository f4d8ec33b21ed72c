'use strict';

// passportJwtSecret reads the token header itself. jwks-rsa reads it with
// jose, which throws on anything but a three-part compact JWS of base64url
// JSON objects; a throw means "no key". The same tokens must get the same
// answer from both: a key, or cb(null, null).

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const upstream = require('jwks-rsa');
const native = require('..');
const { generate } = require('./helpers/keys');
const { startJwksServer } = require('./helpers/server');
const { callbackArgs } = require('./helpers/outcomes');
const { decodeCompactJwt } = require('../lib/integrations/compact-jwt');

const rsa = generate('RS256', 'rsa');
let endpoint;
before(async () => {
  endpoint = await startJwksServer([rsa.jwk]);
});
after(() => endpoint.close());

const b64 = (bytes) => Buffer.from(bytes).toString('base64url');
const json = (value) => b64(JSON.stringify(value));
const HEADER = json({ alg: 'RS256', kid: 'rsa' });
const PAYLOAD = json({ sub: 'user-1' });
const SIG = b64('signature');
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

// Each token with whether jose can read it.
const tokens = {
  'a well-formed token': [`${HEADER}.${PAYLOAD}.${SIG}`, true],
  'an empty signature': [`${HEADER}.${PAYLOAD}.`, true],
  'no kid, one key served': [`${json({ alg: 'RS256' })}.${PAYLOAD}.${SIG}`, true],
  'two segments': [`${HEADER}.${PAYLOAD}`, false],
  'four segments': [`${HEADER}.${PAYLOAD}.${SIG}.x`, false],
  'five segments (JWE)': [`${HEADER}.${PAYLOAD}.${SIG}.x.y`, false],
  'an empty payload': [`${HEADER}..${SIG}`, false],
  'an empty header': [`.${PAYLOAD}.${SIG}`, false],
  'padding on the header': [`${HEADER}${'='.repeat((4 - (HEADER.length % 4)) % 4)}.${PAYLOAD}.${SIG}`, true],
  'whitespace inside the header': [`${HEADER.slice(0, 4)}\n${HEADER.slice(4)}.${PAYLOAD}.${SIG}`, true],
  // '~~~' encodes as "fn5+": valid base64, not base64url.
  'a standard base64 payload': [`${HEADER}.${Buffer.from('{"s":"~~~"}').toString('base64')}.${SIG}`, false],
  'a standard base64 header': [`${Buffer.from('{"alg":"RS256","kid":"rsa","s":"~~~"}').toString('base64')}.${PAYLOAD}.${SIG}`, false],
  'a header of impossible length': [`${HEADER}${'A'.repeat((5 - (HEADER.length % 4)) % 4)}.${PAYLOAD}.${SIG}`, false],
  'a payload that is an array': [`${HEADER}.${json([1])}.${SIG}`, false],
  'a payload that is a string': [`${HEADER}.${json('sub')}.${SIG}`, false],
  'a payload that is null': [`${HEADER}.${json(null)}.${SIG}`, false],
  'a payload that is not JSON': [`${HEADER}.${b64('{sub')}.${SIG}`, false],
  'a header that is an array': [`${json(['RS256'])}.${PAYLOAD}.${SIG}`, false],
  'a header of invalid UTF-8': [
    `${b64(Buffer.concat([Buffer.from('{"alg":"RS256","x":"'), Buffer.from([0xff]), Buffer.from('"}')]))}.${PAYLOAD}.${SIG}`,
    false,
  ],
  'a header with a byte order mark': [`${b64(Buffer.concat([BOM, Buffer.from('{"alg":"RS256","kid":"rsa"}')]))}.${PAYLOAD}.${SIG}`, true],
  'alg none': [`${json({ alg: 'none', kid: 'rsa' })}.${PAYLOAD}.`, true],
  'alg HS256': [`${json({ alg: 'HS256', kid: 'rsa' })}.${PAYLOAD}.${SIG}`, true],
  'an unknown kid': [`${json({ alg: 'RS256', kid: 'other' })}.${PAYLOAD}.${SIG}`, true],
  'not a token at all': ['garbage', false],
  'a number': [42, false],
};

for (const [name, [token]] of Object.entries(tokens)) {
  test(`passportJwtSecret, ${name}: the same callback as jwks-rsa`, async () => {
    const answers = {};
    for (const [label, lib] of Object.entries({ upstream, native })) {
      const provider = lib.passportJwtSecret({ jwksUri: endpoint.url });
      answers[label] = await callbackArgs((cb) => provider({}, token, cb));
    }
    assert.deepEqual(answers.native, answers.upstream);
  });
}

test('the decoder reads exactly the tokens jose reads', () => {
  for (const [name, [token, readable]] of Object.entries(tokens)) {
    assert.equal(decodeCompactJwt(token) !== null, readable, name);
  }
  assert.deepEqual(decodeCompactJwt(tokens['a well-formed token'][0]), {
    header: { alg: 'RS256', kid: 'rsa' },
    payload: { sub: 'user-1' },
  });
});
