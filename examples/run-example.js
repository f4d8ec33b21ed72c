'use strict';

const { startIdentityProvider } = require('./identity-provider');

// Starts an example API. With JWKS_URI set it trusts that issuer; without,
// it starts a local identity provider and prints a token to try.

/**
 * `start(jwksUri, port)` starts the API and resolves the URL of its
 * protected route.
 */
async function runExample(name, start) {
  const port = Number(process.env.PORT ?? 3000);
  const idp = process.env.JWKS_URI ? undefined : await startIdentityProvider();
  const jwksUri = idp ? idp.jwksUri : process.env.JWKS_URI;
  const url = await start(jwksUri, port);
  console.log(`${name} example listening on ${url}`);
  console.log(`trusting keys from ${jwksUri}${idp ? ' (a local identity provider)' : ''}`);
  if (idp) {
    console.log('try:');
    console.log(`  curl -H "Authorization: Bearer ${idp.mint('rsa-1', { sub: 'alice' })}" ${url}`);
  }
}

function main(name, start) {
  runExample(name, start).catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}

module.exports = { main };
