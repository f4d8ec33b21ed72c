'use strict';

// @hapi/hapi + hapi-auth-jwt2, keys from the issuer's JWKS via hapiJwt2KeyAsync.
//   node examples/hapi.js                        (local identity provider)
//   JWKS_URI=https://issuer/.well-known/jwks.json PORT=3000 node examples/hapi.js

const Hapi = require('@hapi/hapi');
const hapiAuthJwt2 = require('hapi-auth-jwt2');
const { hapiJwt2KeyAsync } = require('..'); // in your app: require('jwks-rsa-native')
const { main } = require('./run-example');

main('hapi', async (jwksUri, port) => {
  const server = Hapi.server({ host: '127.0.0.1', port });
  await server.register(hapiAuthJwt2);
  server.auth.strategy('jwt', 'jwt', {
    complete: true, // the key lookup needs the token header
    key: hapiJwt2KeyAsync({ jwksUri, rateLimit: true, keyObject: true }),
    verifyOptions: { algorithms: ['RS256', 'ES256'] },
    validate: async (payload) => ({ isValid: true, credentials: { sub: payload.sub } }),
  });
  server.auth.default('jwt');
  server.route({ method: 'GET', path: '/api/me', handler: (request) => request.auth.credentials });
  await server.start();
  return `${server.info.uri}/api/me`;
});
