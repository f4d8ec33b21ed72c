'use strict';

const { createLogger } = require('./debug');
const { makeSigningKey } = require('../client/signing-key');
const { DEFAULT_CACHE_MAX_AGE_MS, DEFAULT_CACHE_MAX_ENTRIES, DEFAULT_JWKS_REQUESTS_PER_MINUTE } = require('../config/constants');

// The DEBUG=jwks lines jwks-rsa prints, written from what the native side
// reports. Every function is a no-op unless the namespace is enabled.
const logger = createLogger('jwks');

function logConfiguration(options) {
  if (!logger.enabled) return;
  if (options.rateLimit) {
    const rpm = options.jwksRequestsPerMinute === undefined ? DEFAULT_JWKS_REQUESTS_PER_MINUTE : options.jwksRequestsPerMinute;
    logger(`Configured rate limiting to JWKS endpoint at ${rpm}/minute`);
  }
  if (options.cache) {
    const { cacheMaxEntries = DEFAULT_CACHE_MAX_ENTRIES, cacheMaxAge = DEFAULT_CACHE_MAX_AGE_MS, cacheMaxAgeFallback } = options;
    const fallback = cacheMaxAgeFallback ? ` / Fallback: ${cacheMaxAgeFallback}` : '';
    logger(`Configured caching of signing keys. Max: ${cacheMaxEntries} / Age: ${cacheMaxAge}${fallback}`);
  }
}

// After a lookup past the cache, in jwks-rsa's order: the rate-limit
// budget, the lookup, and what the endpoint returned when it was asked.
function logMiss(native, options, kid, answer) {
  if (!logger.enabled) return;
  const report = native.debugReport();
  for (const note of report.notes) logger(note);
  const refused = answer.error && answer.error.kind === 'JwksRateLimitError';
  if (options.rateLimit && report.rateLimitRemaining != null) {
    logger('Requests to the JWKS endpoint available for the next minute:', refused ? -1 : report.rateLimitRemaining);
  }
  if (refused) return;
  logger(`Fetching signing key for '${String(kid)}'`);
  // A failed lookup went to the endpoint, or was refused from its last answer.
  if (!answer.fetched && !answer.error) return;
  logger(`Fetching keys from '${options.jwksUri}'`);
  const last = report.lastFetch;
  if (!last) return;
  try {
    logger('Keys:', JSON.parse(last.body).keys);
  } catch {
    logger('Keys:', last.body);
  }
  for (const skipped of last.skipped) {
    const kid = skipped.kid === undefined ? '' : ` (kid '${skipped.kid}')`;
    logger(`Skipped key #${skipped.index}${kid}: ${skipped.reason}`);
  }
  logger('Signing Keys:', last.keys.map(makeSigningKey));
}

function logFailure(err, kid, options) {
  if (!logger.enabled) return;
  if (err && err.name === 'SigningKeyNotFoundError') logger(err.message);
  else if (err && err.name === 'JwksRateLimitError') logger('Too many requests to the JWKS endpoint');
  else logger('Failure:', err);
  if (options.cacheMaxAgeFallback && err && err.isEndpointUnavailable) {
    logger(`JWKS endpoint unavailable and no valid stale entry for '${String(kid)}', fallback window expired or key never fetched`);
  }
}

function logStale(err, kid) {
  if (logger.enabled) {
    logger(`JWKS endpoint unavailable, serving stale signing key for '${String(kid)}': ${err.message}`);
  }
}

module.exports = { logger, logConfiguration, logMiss, logFailure, logStale };
