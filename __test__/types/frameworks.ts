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

// OpenID Connect discovery: `issuer` where `jwksUri` was, in every helper.
const discovered = { issuer: 'https://tenant.example.com/', rateLimit: true };
const client: jwksRsa.JwksClient = jwksRsa({ issuer: 'https://tenant.example.com/' });
const discoveries: number | undefined = client.stats().discoveryFetches;
const byIssuer = expressjwt({ secret: jwksRsa.expressJwtSecret(discovered) as GetVerificationKey, algorithms: ['RS256'] });
const koaByIssuer = koaJwt({ secret: jwksRsa.koaJwtSecret(discovered), algorithms: ['RS256'] });
console.log(discoveries, byIssuer, koaByIssuer, jwksRsa.passportJwtSecret(discovered).client, jwksRsa.hapiJwt2KeyAsync(discovered));

// Several issuers: the token's `iss` picks the client; each provider exposes `clients`.
const issuers = ['https://a.example.com/', { issuer: 'https://b.example.com/', jwksUri: 'https://b.example.com/keys' }];
const multi = jwksRsa.expressJwtSecret({ issuers, keyObject: true });
const multiClients: ReadonlyMap<string, jwksRsa.JwksClient> = multi.clients;
const v6Multi = expressJwtV6({ secret: jwksRsa.expressJwtSecret({ issuers }), algorithms: ['RS256'] });
const koaMulti = koaJwt({ secret: jwksRsa.koaJwtSecret({ issuers }), algorithms: ['RS256'] });
const passportMulti = jwksRsa.passportJwtSecret({ issuers, cacheMaxAge: 60000 }).clients;
const hapiMulti: Promise<{ key: string }> = jwksRsa.hapiJwt2KeyAsync({ issuers })({ header: { alg: 'RS256', kid: 'k' }, payload: {} });
const hapiMultiKeyObject = jwksRsa.hapiJwt2Key({ issuers, keyObject: true }).clients;
console.log(multiClients.size, v6Multi, koaMulti, passportMulti, hapiMulti, hapiMultiKeyObject);

// @ts-expect-error issuers replaces jwksUri
jwksRsa.expressJwtSecret({ issuers, jwksUri: 'https://a.example.com/keys' });
