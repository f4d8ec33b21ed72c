// The additions to the helpers: fastifyJwtSecret with @fastify/jwt,
// issuers decided at run time, and selectByAlg.
import jwksRsa = require('../..');
import Fastify from 'fastify';
import fastifyJwt from '@fastify/jwt';
import { expressjwt, GetVerificationKey } from 'express-jwt';
import koaJwt = require('koa-jwt');

const app = Fastify();
const secret = jwksRsa.fastifyJwtSecret({ jwksUri: 'https://issuer.example/.well-known/jwks.json', rateLimit: true });
app.register(fastifyJwt, { secret, decode: { complete: true }, verify: { algorithms: ['RS256'] } });
const fastifyClient: jwksRsa.JwksClient = secret.client;
const pem: Promise<string> = secret({}, { header: { alg: 'RS256', kid: 'k' }, payload: {} });

// issuers as a function (sync or async) or a RegExp, bounded by maxIssuers.
const tenants = new Set(['https://login.example.com/tenant-a/v2.0']);
const byFunction = jwksRsa.fastifyJwtSecret({ issuers: (iss) => tenants.has(iss), maxIssuers: 20 });
const tenantClients: ReadonlyMap<string, jwksRsa.JwksClient> = byFunction.clients;
const asyncRule = jwksRsa.expressJwtSecret({ issuers: async (iss: string) => iss.startsWith('https://'), selectByAlg: true });
const byPattern = koaJwt({
  secret: jwksRsa.koaJwtSecret({ issuers: /^https:\/\/sso\.example\.com\/realms\/[a-z-]+$/ }),
  algorithms: ['RS256'],
});
const express = expressjwt({ secret: asyncRule as GetVerificationKey, algorithms: ['RS256', 'ES256'] });
const hapi = jwksRsa.hapiJwt2KeyAsync({ jwksUri: 'https://issuer.example/jwks', selectByAlg: true, keyObject: true });
const passport = jwksRsa.passportJwtSecret({ issuers: /^https:\/\/a\.example\/$/, maxIssuers: 5 }).clients;

console.log(fastifyClient, pem, tenantClients, byPattern, express, hapi, passport);

// @ts-expect-error an issuer rule answers with a boolean
jwksRsa.expressJwtSecret({ issuers: (iss: string) => iss });
// @ts-expect-error maxIssuers is a number
jwksRsa.koaJwtSecret({ issuers: /^x$/, maxIssuers: '10' });
// @ts-expect-error fastifyJwtSecret needs options
jwksRsa.fastifyJwtSecret();
