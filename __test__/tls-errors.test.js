'use strict';

// Certificate refusals carry Node's codes and messages: each server below
// is refused by Node's https (jwks-rsa) and by the native client, and the
// two errors must read the same.

const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const https = require('node:https');
const ours = require('..');
const theirs = require('jwks-rsa');
const { pki, refusedCertificates } = require('./helpers/pki');

const servers = [];
after(() => Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))));

async function serve({ cert, key }) {
  const server = https.createServer({ cert, key }, (req, res) => res.end('{"keys":[]}'));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `https://127.0.0.1:${server.address().port}/jwks.json`;
}

async function failure(jwks, options) {
  try {
    await jwks(options).getSigningKeys();
  } catch (err) {
    return { code: err.code, message: err.message };
  }
  return 'no error';
}

const cases = [
  ['a self-signed certificate', 'selfSigned', false, 'DEPTH_ZERO_SELF_SIGNED_CERT'],
  ['a chain ending in an untrusted root', 'chainToUntrustedRoot', false, 'SELF_SIGNED_CERT_IN_CHAIN'],
  ['an unknown issuer', 'unknownIssuer', false, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
  ['an expired certificate', 'expired', true, 'CERT_HAS_EXPIRED'],
  ['a certificate for another host', 'otherName', true, 'ERR_TLS_CERT_ALTNAME_INVALID'],
];

for (const [title, name, trustCa, code] of cases) {
  test(`${title}: ${code} with Node's message, as jwks-rsa reports it`, async () => {
    const uri = await serve(refusedCertificates()[name]);
    // jwks-rsa takes the CA through a requestAgent; the native client through `ca`.
    const agent = trustCa ? new https.Agent({ ca: pki().ca }) : undefined;
    const reference = await failure(theirs, { jwksUri: uri, requestAgent: agent });
    const native = await failure(ours, { jwksUri: uri, ...(trustCa && { ca: pki().ca }) });
    assert.equal(reference.code, code);
    assert.deepEqual(native, reference);
  });
}
