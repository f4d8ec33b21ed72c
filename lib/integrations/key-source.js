'use strict';

const { JwksClient } = require('../client/jwks-client');
const { ArgumentError, SigningKeyNotFoundError } = require('../errors');
const { discoveryUrl, truncated } = require('../client/issuer-client');

// Where a helper looks a token's key up: its one client, or with `issuers`
// the client of the token's `iss` claim. The claim is read from the
// unverified payload only to choose where to look: a key found there still
// has to verify the token, so a token cannot borrow another issuer's keys.
// A token whose issuer is not listed gets no key and causes no request.
// Clients are made on the first token of each issuer, so there are never
// more than the list has entries.

function invalidIssuers() {
  return new ArgumentError('issuers must be a non-empty array of issuer URLs or { issuer, jwksUri } objects');
}

// issuer -> its own `jwksUri`, or undefined to discover it.
function allowlist(issuers) {
  if (!Array.isArray(issuers) || issuers.length === 0) throw invalidIssuers();
  const listed = new Map();
  for (const entry of issuers) {
    const { issuer, jwksUri } = typeof entry === 'string' ? { issuer: entry } : entry || {};
    if (typeof issuer !== 'string' || (jwksUri !== undefined && typeof jwksUri !== 'string')) throw invalidIssuers();
    if (jwksUri === undefined) discoveryUrl(issuer);
    listed.set(issuer, jwksUri);
  }
  return listed;
}

function unlisted(iss) {
  if (typeof iss !== 'string') return new SigningKeyNotFoundError('The token has no iss claim to choose its issuer by');
  return new SigningKeyNotFoundError(`The token issuer '${truncated(iss)}' is not one of the configured issuers`);
}

function issuerSource(options) {
  if (options.jwksUri || options.issuer != null) {
    throw new ArgumentError('issuers replaces jwksUri and issuer: give one of them, not both');
  }
  const listed = allowlist(options.issuers);
  const shared = { ...options, issuers: undefined };
  const clients = new Map();
  return {
    clients,
    signingKey(kid, payload) {
      const iss = payload !== null && typeof payload === 'object' ? payload.iss : undefined;
      if (typeof iss !== 'string' || !listed.has(iss)) return Promise.reject(unlisted(iss));
      let client = clients.get(iss);
      if (client === undefined) {
        client = new JwksClient({ ...shared, issuer: iss, jwksUri: listed.get(iss) });
        clients.set(iss, client);
      }
      return client.getSigningKey(kid);
    },
  };
}

/**
 * `{ client, signingKey(kid, payload) }` for a helper's options, or with
 * `issuers`, `{ clients, signingKey(kid, payload) }` (issuer -> client).
 */
function keySource(options) {
  if (options.issuers !== undefined) return issuerSource(options);
  const client = new JwksClient(options);
  return { client, signingKey: (kid) => client.getSigningKey(kid) };
}

module.exports = { keySource };
