'use strict';

// koa + koa-jwt 4, keys from the issuer's JWKS via koaJwtSecret.
//   node examples/koa.js                         (local identity provider)
//   JWKS_URI=https://issuer/.well-known/jwks.json PORT=3000 node examples/koa.js

const Koa = require('koa');
const koaJwt = require('koa-jwt');
const { koaJwtSecret } = require('..'); // in your app: require('jwks-rsa-native')
const { main } = require('./run-example');

main('koa', (jwksUri, port) => {
  const app = new Koa();
  app.use(koaJwt({ secret: koaJwtSecret({ jwksUri, rateLimit: true, keyObject: true }), algorithms: ['RS256', 'ES256'] }));
  app.use((ctx) => {
    ctx.body = { sub: ctx.state.user.sub };
  });
  return new Promise((resolve) => {
    const server = app.listen(port, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}/api/me`));
  });
});
