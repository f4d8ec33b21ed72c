// The freshness options and their counter are typed.
import jwksClient = require('../..');

const client = jwksClient({
  jwksUri: 'https://issuer.example/.well-known/jwks.json',
  conditionalRequests: true,
  respectCacheControl: true,
  minCacheAge: 30000,
  cacheMaxAge: 600000,
});

const notModified: number = client.stats().notModified;

// @ts-expect-error minCacheAge is a number of milliseconds
jwksClient({ jwksUri: 'https://issuer.example/jwks', minCacheAge: '30s' });

console.log(notModified);
