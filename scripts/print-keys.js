#!/usr/bin/env node
'use strict';

// Prints the signing keys of a JWKS: kid, alg and PEM of each.
//   node scripts/print-keys.js https://issuer.example/.well-known/jwks.json
//   node scripts/print-keys.js ./jwks.json

const fs = require('fs');
const jwksClient = require('..');

async function main(source) {
  if (!source) {
    console.error('usage: print-keys <jwks-url | jwks-file>');
    process.exitCode = 2;
    return;
  }
  const isUrl = /^https?:\/\//i.test(source);
  const client = isUrl
    ? jwksClient({ jwksUri: source })
    : jwksClient({ jwksUri: source, fetcher: async () => JSON.parse(fs.readFileSync(source, 'utf8')) });
  const keys = await client.getSigningKeys();
  for (const key of keys) {
    console.log(`kid: ${key.kid ?? '(none)'}  alg: ${key.alg ?? '(inferred)'}`);
    console.log(key.getPublicKey());
  }
  console.log(`${keys.length} signing key(s)`);
}

main(process.argv[2]).catch((err) => {
  console.error(`${err.name}: ${err.message}`);
  process.exitCode = 1;
});
