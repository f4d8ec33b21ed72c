'use strict';

// express + express-jwt 8, keys from the issuer's JWKS via expressJwtSecret.
//   node examples/express.js                     (local identity provider)
//   JWKS_URI=https://issuer/.well-known/jwks.json PORT=3000 node examples/express.js

const express = require('express');
const { expressjwt } = require('express-jwt');
const { expressJwtSecret } = require('..'); // in your app: require('jwks-rsa-native')
const { main } = require('./run-example');

main('express', (jwksUri, port) => {
  const app = express();
  const secret = expressJwtSecret({ jwksUri, rateLimit: true, keyObject: true });
  app.use('/api', expressjwt({ secret, algorithms: ['RS256', 'ES256'] }));
  app.get('/api/me', (req, res) => res.json({ sub: req.auth.sub }));
  app.use((err, req, res, next) => res.status(err.status || 500).json({ error: err.message }));
  return new Promise((resolve) => {
    const server = app.listen(port, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}/api/me`));
  });
});
