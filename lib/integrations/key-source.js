'use strict';

const { JwksClient } = require('../client/jwks-client');
const { ArgumentError, SigningKeyNotFoundError, cut } = require('../errors');
const { discoveryUrl } = require('../client/issuer-client');
const { issuerRule } = require('./issuer-rule');
const { IssuerClients } = require('./issuer-clients');
const { keyForAlg } = require('./alg-fit');

// Where a helper looks a token's key up: its one client, or with `issuers`
// the client of the token's `iss` claim. The claim is read from the
// unverified payload only to choose where to look: a key found there still
// has to verify the token, so a token cannot borrow another issuer's keys.
// A token whose issuer is not accepted gets no key and causes no request.
// Clients are made on the first token of each issuer, and at most
// `maxIssuers` are kept (lib/integrations/issuer-rule.js).

function unlisted(iss) {
  if (typeof iss !== 'string') return new SigningKeyNotFoundError('The token has no iss claim to choose its issuer by');
  return new SigningKeyNotFoundError(`The token issuer '${cut(iss)}' is not one of the configured issuers`);
}

// An issuer accepted at run time must still be a URL discovery can use.
function isIssuerUrl(iss) {
  try {
    discoveryUrl(iss);
    return true;
  } catch {
    return false;
  }
}

function issuerSource(options) {
  if (options.jwksUri || options.issuer != null) {
    throw new ArgumentError('issuers replaces jwksUri and issuer: give one of them, not both');
  }
  const rule = issuerRule(options);
  const shared = { ...options, issuers: undefined, maxIssuers: undefined };
  const clients = new IssuerClients(rule.maxClients);

  function lookUp(iss, kid) {
    let client = clients.use(iss);
    if (client === undefined) {
      const jwksUri = rule.jwksUriOf(iss);
      if (jwksUri === undefined && !isIssuerUrl(iss)) return Promise.reject(unlisted(iss));
      client = clients.add(iss, new JwksClient({ ...shared, issuer: iss, jwksUri }));
    }
    return client.getSigningKey(kid);
  }

  return {
    clients: clients.map,
    signingKey(kid, payload) {
      const iss = payload !== null && typeof payload === 'object' ? payload.iss : undefined;
      if (typeof iss !== 'string') return Promise.reject(unlisted(iss));
      let verdict;
      try {
        verdict = rule.accepts(iss);
      } catch (err) {
        return Promise.reject(err);
      }
      // A list answers at once; a function may answer with a promise.
      if (typeof verdict === 'boolean') return verdict ? lookUp(iss, kid) : Promise.reject(unlisted(iss));
      return Promise.resolve(verdict).then((accepted) => (accepted === true ? lookUp(iss, kid) : Promise.reject(unlisted(iss))));
    },
  };
}

function clientSource(options) {
  const client = new JwksClient(options);
  return { client, signingKey: (kid) => client.getSigningKey(kid) };
}

/**
 * `{ client, signingKey(kid, payload, alg) }` for a helper's options, or
 * with `issuers`, `{ clients, signingKey(kid, payload, alg) }` (issuer ->
 * client). `alg` (the token's, one of the supported ones) is read only with
 * `selectByAlg`.
 * @returns {{ client?: any, clients?: Map<string, any>, signingKey: (kid: any, payload?: any, alg?: string) => Promise<any> }}
 */
function keySource(options) {
  /** @type {ReturnType<typeof keySource>} */
  const source = options.issuers !== undefined ? issuerSource(options) : clientSource(options);
  if (!options.selectByAlg) return source;
  const byKid = source.signingKey;
  source.signingKey = (kid, payload, alg) => byKid(kid, payload).then((key) => keyForAlg(key, kid, alg));
  return source;
}

module.exports = { keySource };
