// The README patterns of jwks-rsa for each framework compile unchanged.
import jwksRsa = require('../..');
import expressJwtV6 = require('express-jwt-v6');
import { expressjwt as expressjwtV7, GetVerificationKey as GetVerificationKeyV7 } from 'express-jwt-v7';
import { expressjwt, GetVerificationKey } from 'express-jwt';
import koaJwt = require('koa-jwt');
import { Strategy as JwtStrategy, ExtractJwt } from 'passport-jwt';

const options = {
  cache: true,
  rateLimit: true,
  jwksRequestsPerMinute: 5,
  jwksUri: 'https://issuer.example/.well-known/jwks.json',
};

// express-jwt 6: the secret callback form.
const v6 = expressJwtV6({ secret: jwksRsa.expressJwtSecret(options), algorithms: ['RS256'] });

// express-jwt 7 and 8: the provider form, with or without jwks-rsa's cast.
const v7 = expressjwtV7({ secret: jwksRsa.expressJwtSecret(options) as GetVerificationKeyV7, algorithms: ['RS256'] });
const v8 = expressjwt({ secret: jwksRsa.expressJwtSecret(options) as GetVerificationKey, algorithms: ['RS256'] });
const v8NoCast = expressjwt({ secret: jwksRsa.expressJwtSecret({ ...options, keyObject: true }), algorithms: ['RS256'] });

const koa = koaJwt({ secret: jwksRsa.koaJwtSecret(options), algorithms: ['RS256'] });

const strategy = new JwtStrategy(
  {
    secretOrKeyProvider: jwksRsa.passportJwtSecret(options),
    jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
    algorithms: ['RS256'],
  },
  (payload: unknown, done: (err: unknown, user?: unknown) => void) => done(null, payload),
);

const hapiKey = jwksRsa.hapiJwt2Key(options);
const hapiKeyAsync = jwksRsa.hapiJwt2KeyAsync(options);

console.log(v6, v7, v8, v8NoCast, koa, strategy, hapiKey, hapiKeyAsync);
