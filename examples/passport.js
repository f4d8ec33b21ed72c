'use strict';

// express + passport + passport-jwt 4, keys via passportJwtSecret.
//   node examples/passport.js                    (local identity provider)
//   JWKS_URI=https://issuer/.well-known/jwks.json PORT=3000 node examples/passport.js

const express = require('express');
const passport = require('passport');
const { Strategy: JwtStrategy, ExtractJwt } = require('passport-jwt');
const { passportJwtSecret } = require('..'); // in your app: require('jwks-rsa-native')
const { main } = require('./run-example');

main('passport', (jwksUri, port) => {
  const options = {
    jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
    secretOrKeyProvider: passportJwtSecret({ jwksUri, rateLimit: true, keyObject: true }),
    algorithms: ['RS256', 'ES256'],
  };
  passport.use(new JwtStrategy(options, (payload, done) => done(null, { sub: payload.sub })));
  const app = express();
  app.get('/api/me', passport.authenticate('jwt', { session: false }), (req, res) => res.json(req.user));
  return new Promise((resolve) => {
    const server = app.listen(port, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}/api/me`));
  });
});
