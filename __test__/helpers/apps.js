'use strict';

const express4 = require('express');
const Koa = require('koa');
const koaJwt = require('koa-jwt');
const { Passport } = require('passport');
const { Strategy: JwtStrategy, ExtractJwt } = require('passport-jwt');
const Hapi = require('@hapi/hapi');
const hapiAuthJwt2 = require('hapi-auth-jwt2');
const Hapi16 = require('hapi-v16');
const hapiAuthJwt2v7 = require('hapi-auth-jwt2-v7');
const Fastify = require('fastify');
const fastifyJwt = require('@fastify/jwt');
const { promisify } = require('util');
const { listen } = require('./http-client');

// One small API per framework, each serving GET /api behind its JWT
// middleware with the given key provider, and reporting a refusal as
// `{ name, code, message }` so two runs can be compared to the letter.

// HS256 is allowed on purpose: a permissive configuration shows that the
// helpers themselves refuse to hand a public key to an HMAC verifier.
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'HS256'];
const AUDIENCE = 'api';

const errorBody = (err) => (err ? { name: err.name, code: err.code, message: err.message } : {});

/** express (4 or 5) with express-jwt (6, 7 or 8) and `secret`. */
function startExpressApp({ express = express4, expressjwt }, secret) {
  const app = express();
  const guard = expressjwt({ secret, algorithms: ALGORITHMS, audience: AUDIENCE });
  // express-jwt 6 sets req.user, 7 and later req.auth.
  app.get('/api', guard, (req, res) => res.json({ sub: (req.auth || req.user).sub }));
  app.use((err, req, res, next) => res.status(err.status || 500).json(errorBody(err)));
  return listen(app);
}

/** koa with koa-jwt (debug on, so the refusal says why) and `secret`. */
function startKoaApp(secret) {
  const app = new Koa();
  app.use(koaJwt({ secret, algorithms: ALGORITHMS, audience: AUDIENCE, debug: true }));
  app.use((ctx) => {
    ctx.body = { sub: ctx.state.user.sub };
  });
  return listen(app.callback());
}

/** express with passport and passport-jwt's `secretOrKeyProvider`. */
function startPassportApp(secretOrKeyProvider) {
  const passport = new Passport();
  const options = {
    jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
    secretOrKeyProvider,
    algorithms: ALGORITHMS,
    audience: AUDIENCE,
  };
  passport.use(new JwtStrategy(options, (payload, done) => done(null, payload)));
  const app = express4();
  app.get('/api', (req, res, next) => {
    const respond = (err, user, info) => {
      if (err) return res.status(500).json(errorBody(err));
      if (!user) return res.status(401).json(errorBody(info));
      return res.json({ sub: user.sub });
    };
    passport.authenticate('jwt', { session: false }, respond)(req, res, next);
  });
  return listen(app);
}

/** @hapi/hapi with hapi-auth-jwt2 and `key`; `complete: false` decodes no header. */
async function startHapiApp(key, { complete = true } = {}) {
  const server = Hapi.server({ host: '127.0.0.1', port: 0, debug: false });
  await server.register(hapiAuthJwt2);
  server.auth.strategy('jwt', 'jwt', {
    key,
    complete,
    verifyOptions: { algorithms: ALGORITHMS, audience: AUDIENCE },
    validate: async (payload) => ({ isValid: true, credentials: { sub: payload.sub } }),
  });
  server.route({ method: 'GET', path: '/api', options: { auth: 'jwt' }, handler: (request) => request.auth.credentials });
  server.ext('onPreResponse', (request, h) => {
    exposeCause(request.response);
    return h.continue;
  });
  await server.start();
  return { url: `${server.info.uri}/api`, close: () => server.stop() };
}

// hapi hides the reason of a 500; the tests compare it too.
function exposeCause(response) {
  if (response.isBoom && response.output.statusCode === 500) response.output.payload.cause = response.message;
}

/** hapi 16 with hapi-auth-jwt2 7, whose `key` is a callback function. */
async function startHapi16App(key) {
  const server = new Hapi16.Server({ debug: false });
  server.connection({ host: '127.0.0.1', port: 0 });
  await promisify(server.register.bind(server))(hapiAuthJwt2v7);
  server.auth.strategy('jwt', 'jwt', {
    key,
    complete: true,
    verifyOptions: { algorithms: ALGORITHMS, audience: AUDIENCE },
    validateFunc: (payload, request, cb) => cb(null, true, { sub: payload.sub }),
  });
  // hapi-auth-jwt2 7 keeps the third callback argument (the signing key) as extraInfo.
  const handler = (request, reply) => {
    const { extraInfo } = request.plugins['hapi-auth-jwt2'];
    reply({ ...request.auth.credentials, signingKeyProperties: Object.keys(extraInfo) });
  };
  server.route({ method: 'GET', path: '/api', config: { auth: 'jwt' }, handler });
  server.ext('onPreResponse', (request, reply) => {
    exposeCause(request.response);
    reply.continue();
  });
  await promisify(server.start.bind(server))();
  return { url: `${server.info.uri}/api`, close: () => promisify(server.stop.bind(server))() };
}

/**
 * fastify with @fastify/jwt and `secret`; `complete: false` decodes the
 * payload alone. Errors are answered with their `statusCode` (else 500).
 */
async function startFastifyApp(secret, { complete = true } = {}) {
  const app = Fastify();
  await app.register(fastifyJwt, { secret, decode: { complete }, verify: { algorithms: ALGORITHMS, allowedAud: AUDIENCE } });
  app.get('/api', { onRequest: (request) => request.jwtVerify() }, async (request) => ({ sub: request.user.sub }));
  app.setErrorHandler((err, request, reply) => reply.status(err.statusCode || 500).send(errorBody(err)));
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { url: `http://127.0.0.1:${app.server.address().port}/api`, close: () => app.close() };
}

module.exports = { startExpressApp, startKoaApp, startPassportApp, startHapiApp, startHapi16App, startFastifyApp };
