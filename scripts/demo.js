#!/usr/bin/env node
'use strict';

// Starts a JWKS endpoint on 127.0.0.1 with RSA, EC and Ed25519 keys, then
// fetches it with jwks-rsa-native and prints each signing key.

const crypto = require('crypto');
const http = require('http');
const jwksClient = require('..');

const keys = [
  ['rsa-2024', 'rsa', { modulusLength: 2048 }, 'RS256'],
  ['ec-2024', 'ec', { namedCurve: 'P-256' }, 'ES256'],
  ['ed-2024', 'ed25519', {}, 'EdDSA'],
].map(([kid, type, options, alg]) => {
  const { publicKey } = crypto.generateKeyPairSync(type, options);
  return { ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' };
});

const server = http.createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ keys }));
});

server.listen(0, '127.0.0.1', async () => {
  const jwksUri = `http://127.0.0.1:${server.address().port}/.well-known/jwks.json`;
  console.log(`JWKS endpoint: ${jwksUri}\n`);
  try {
    const client = jwksClient({ jwksUri });
    for (const key of await client.getSigningKeys()) {
      console.log(`kid: ${key.kid}  alg: ${key.alg}`);
      console.log(key.getPublicKey());
    }
    const started = process.hrtime.bigint();
    await client.getSigningKey('ec-2024');
    await client.getSigningKey('ec-2024');
    const micros = Number(process.hrtime.bigint() - started) / 1000;
    console.log(`two lookups of ec-2024 (one fetch, one cache hit): ${micros.toFixed(0)} µs`);
    console.log('stats:', client.stats());
  } finally {
    server.close();
  }
});
