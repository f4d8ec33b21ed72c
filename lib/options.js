'use strict';

const { DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS } = require('./constants');
const { proxyFor } = require('./proxy-env');
const { limiterClock } = require('./limiter-clock');

// Options are read as jwks-rsa reads them: the same defaults, and the same
// TypeErrors (from lru-cache) for cache settings it cannot honour.

const isPosInt = (n) => typeof n === 'number' && n > 0 && Number.isInteger(n);

function checkMax(max) {
  if (max !== 0 && !isPosInt(max)) {
    throw new TypeError('max option must be a nonnegative integer');
  }
}

function cacheSettings(options) {
  const { cacheMaxEntries = 5, cacheMaxAge = 600000, cacheMaxAgeFallback } = options;
  if (cacheMaxAgeFallback) {
    checkMax(cacheMaxEntries);
    if (cacheMaxEntries === 0) throw new TypeError('At least one of max, maxSize, or ttl is required');
  }
  checkMax(cacheMaxEntries);
  if (cacheMaxAge && !isPosInt(cacheMaxAge)) {
    throw new TypeError('ttl must be a positive integer if specified');
  }
  if (cacheMaxEntries === 0 && !cacheMaxAge) {
    throw new TypeError('At least one of max, maxSize, or ttl is required');
  }
  const fallback = Number(cacheMaxAgeFallback) || 0;
  return {
    cacheMaxEntries,
    // 0 means no expiry, as a zero ttl does in lru-cache.
    cacheMaxAge: cacheMaxAge || 0,
    cacheMaxAgeFallback: fallback,
  };
}

function requestsPerMinute(value) {
  const n = Number(value === undefined ? 10 : value);
  if (Number.isNaN(n)) return undefined;
  return Math.min(Math.max(Math.floor(n), 0), 0xffffffff);
}

// Parses jwksUri as jwks-rsa does (WHATWG URL), for Rust to connect to.
function parseJwksUri(uri) {
  let url;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const https = url.protocol === 'https:';
  const bracketed = url.hostname.startsWith('[');
  return {
    https,
    host: bracketed ? url.hostname.slice(1, -1) : url.hostname,
    port: url.port ? Number(url.port) : https ? 443 : 80,
    path: url.pathname + url.search,
    hostHeader: url.port ? `${url.hostname}:${url.port}` : url.hostname,
  };
}

// requestHeaders as Node's http would send them; an invalid header makes
// every fetch fail with Node's own error, as it does in jwks-rsa.
function requestHeaders(headers) {
  const pairs = [];
  for (const [name, value] of Object.entries(headers || {})) {
    // Loaded on first use: `require('http')` is a third of our require() time.
    const http = require('http');
    http.validateHeaderName(name);
    http.validateHeaderValue(name, value);
    for (const v of Array.isArray(value) ? value : [value]) pairs.push([name, String(v)]);
  }
  return pairs;
}

// `ca`, `cert` and `key` as Node's tls options take them: PEM strings or
// Buffers, or arrays of them.
function pem(value) {
  if (value === undefined || value === null) return undefined;
  const parts = Array.isArray(value) ? value : [value];
  return parts.map((part) => (Buffer.isBuffer(part) ? part.toString('utf8') : String(part))).join('\n');
}

// The one rule for the numeric options this package reads itself
// (`timeout`, `maxResponseBytes`, `unknownKidCooldown`): a whole number of
// units, truncated; anything below one unit (0.5, 0, negative, NaN, not a
// number) means the default; anything above `max` (Infinity too) means
// `max`. So no value can disable the deadline or cap a body at one byte by
// rounding. The native side applies the same rule to what it receives.
function wholeNumber(value, fallback, max) {
  const n = Math.floor(Number(value));
  if (!(n >= 1)) return fallback;
  return Math.min(n, max);
}

// The configuration handed to the native client, and any error that must
// surface on the first fetch rather than in the constructor.
function nativeConfig(options) {
  const config = {
    cache: Boolean(options.cache),
    rateLimit: Boolean(options.rateLimit),
    // Falsy or invalid: still bounded, as Node's agent bounds jwks-rsa's fetch.
    timeout: wholeNumber(options.timeout, DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS),
    maxResponseBytes: wholeNumber(options.maxResponseBytes, DEFAULT_MAX_RESPONSE_BYTES, Number.MAX_SAFE_INTEGER),
    unknownKidCooldown: wholeNumber(options.unknownKidCooldown, 0, Number.MAX_SAFE_INTEGER),
    headers: /** @type {string[][]} */ ([]),
    // Key types jwks-rsa 4.1.0 skips, served only when asked for with `true`.
    x5cOnlyKeys: options.x5cOnlyKeys === true,
    secp256k1: options.secp256k1 === true,
  };
  if (config.cache) Object.assign(config, cacheSettings(options));
  // Required here: freshness.js reads this module's `wholeNumber`.
  Object.assign(config, require('./freshness').freshnessConfig(options));
  if (config.rateLimit) {
    config.jwksRequestsPerMinute = requestsPerMinute(options.jwksRequestsPerMinute);
    // jwks-rsa's limiter starts its first minute when the client is created.
    config.limiterClock = limiterClock(false);
  }
  let deferredError;
  try {
    config.headers = requestHeaders(options.requestHeaders);
  } catch (err) {
    deferredError = err;
  }
  if (!options.fetcher) config.uri = parseJwksUri(options.jwksUri);
  if (config.uri) {
    Object.assign(config, { ca: pem(options.ca), cert: pem(options.cert), key: pem(options.key) });
    try {
      config.proxy = proxyFor(config.uri, options);
    } catch (err) {
      deferredError = deferredError || err;
    }
  }
  return { config, deferredError };
}

module.exports = { nativeConfig, parseJwksUri, wholeNumber };
