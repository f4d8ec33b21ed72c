'use strict';

const { ArgumentError } = require('../errors');
const { discoveryUrl } = require('../client/issuer-client');

// Which token issuers a helper with `issuers` looks keys up for, and how
// many issuer clients it keeps. A list names them (each with its own
// `jwksUri` or discovered); a function or a RegExp decides at run time, for
// issuers that appear after deploy (a new tenant, a new realm), each
// discovered from the issuer URL. The issuer is the token's unverified
// `iss`: whatever the rule accepts is where keys are fetched from, so it
// must accept only issuers the application trusts.

/** Issuer clients kept when a function or RegExp decides (`maxIssuers`). */
const DEFAULT_MAX_ISSUERS = 100;

function invalidIssuers() {
  return new ArgumentError('issuers must be a non-empty array of issuer URLs or { issuer, jwksUri } objects, a function or a RegExp');
}

// issuer -> its own `jwksUri`, or undefined to discover it.
function allowlist(issuers) {
  if (issuers.length === 0) throw invalidIssuers();
  const listed = new Map();
  for (const entry of issuers) {
    const { issuer, jwksUri } = typeof entry === 'string' ? { issuer: entry } : entry || {};
    if (typeof issuer !== 'string' || (jwksUri !== undefined && typeof jwksUri !== 'string')) throw invalidIssuers();
    if (jwksUri === undefined) discoveryUrl(issuer);
    listed.set(issuer, jwksUri);
  }
  return listed;
}

// A RegExp must match the whole `iss`, as if anchored: an unanchored
// pattern would otherwise accept any issuer that merely contains a match.
// A copy without `g` and `y`, so that no `lastIndex` carries over.
function wholeMatch(pattern) {
  const re = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
  return (iss) => {
    const match = re.exec(iss);
    return match !== null && match.index === 0 && match[0].length === iss.length;
  };
}

function maxIssuersOf(options, fallback) {
  const max = options.maxIssuers;
  if (max === undefined) return fallback;
  if (!Number.isInteger(max) || max < 1) throw new ArgumentError('maxIssuers must be a positive integer');
  return max;
}

/**
 * `{ accepts(iss), jwksUriOf(iss), maxClients }`: `accepts` answers a
 * boolean or a promise of one (only `true` accepts).
 */
function issuerRule(options) {
  const { issuers } = options;
  if (Array.isArray(issuers)) {
    const listed = allowlist(issuers);
    return { accepts: (iss) => listed.has(iss), jwksUriOf: (iss) => listed.get(iss), maxClients: maxIssuersOf(options, Infinity) };
  }
  const maxClients = maxIssuersOf(options, DEFAULT_MAX_ISSUERS);
  if (issuers instanceof RegExp) return { accepts: wholeMatch(issuers), jwksUriOf: () => undefined, maxClients };
  if (typeof issuers === 'function') return { accepts: issuers, jwksUriOf: () => undefined, maxClients };
  throw invalidIssuers();
}

module.exports = { issuerRule, DEFAULT_MAX_ISSUERS };
