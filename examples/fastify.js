'use strict';

// fastify + @fastify/jwt, keys from the issuer's JWKS via fastifyJwtSecret.
//   node examples/fastify.js                     (local identity provider)
//   JWKS_URI=https://issuer/.well-known/jwks.json PORT=3000 node examples/fastify.js

const Fastify = require('fastify');
const fastifyJwt = require('@fastify/jwt');
const { fastifyJwtSecret } = require('..'); // in your app: require('jwks-rsa-native')
const { main } = require('./run-example');

main('fastify', async (jwksUri, port) => {
  const app = Fastify();
  // fastifyJwtSecret reads the token header: decode it with the payload.
  await app.register(fastifyJwt, {
    secret: fastifyJwtSecret({ jwksUri, rateLimit: true }),
    decode: { complete: true },
    verify: { algorithms: ['RS256', 'ES256'] },
  });
  app.get('/api/me', { onRequest: (request) => request.jwtVerify() }, async (request) => ({ sub: request.user.sub }));
  await app.listen({ host: '127.0.0.1', port });
  return `http://127.0.0.1:${app.server.address().port}/api/me`;
});
