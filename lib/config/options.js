'use strict';

// A client's options, normalized once, here: the core takes the numbers it
// is handed as they are (src/napi/config.rs). The rule lives on this side
// because what it answers is JavaScript's: jwks-rsa's TypeErrors (its
// lru-cache's), ArgumentErrors that show the value as given, WHATWG URLs
// and Node's header checks; and this side uses the normalized values too
// (the Node transport's timeout, the key memo's cache settings). The
// defaults and bounds it applies are the core's (lib/config/constants.js).

const {
  DEFAULT_CACHE_MAX_AGE_MS,
  DEFAULT_CACHE_MAX_ENTRIES,
  DEFAULT_JWKS_REQUESTS_PER_MINUTE,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_MIN_CACHE_AGE_MS,
  DEFAULT_RETRIES,
  DEFAULT_RETRY_MAX_DELAY_MS,
  DEFAULT_RETRY_MIN_DELAY_MS,
  DEFAULT_TIMEOUT_MS,
  MAX_RETRIES,
  MAX_TIMER_MS,
  MIN_BACKGROUND_MS,
} = require('./constants');
const { ArgumentError, shown } = require('../errors');
const { proxyFor } = require('../transport/proxy-env');
const { limiterClock } = require('../client/limiter-clock');

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const isPosInt = (n) => typeof n === 'number' && n > 0 && Number.isInteger(n);

// jwks-rsa's cache options, with its defaults and the TypeErrors its
// lru-cache throws for settings it cannot honour.
function cacheSettings(options) {
  const { cacheMaxEntries: max = DEFAULT_CACHE_MAX_ENTRIES, cacheMaxAge = DEFAULT_CACHE_MAX_AGE_MS, cacheMaxAgeFallback } = options;
  const unbounded = () => new TypeError('At least one of max, maxSize, or ttl is required');
  if (max !== 0 && !isPosInt(max)) throw new TypeError('max option must be a nonnegative integer');
  // With a fallback, jwks-rsa first makes its stale store: `max` alone.
  if (max === 0 && cacheMaxAgeFallback) throw unbounded();
  if (cacheMaxAge && !isPosInt(cacheMaxAge)) throw new TypeError('ttl must be a positive integer if specified');
  if (max === 0 && !cacheMaxAge) throw unbounded();
  return {
    cacheMaxEntries: max,
    // 0 is no expiry, as a zero ttl in lru-cache; past 2^53 - 1 ms (285,000
    // years) it is that.
    cacheMaxAge: Math.min(cacheMaxAge || 0, MAX_SAFE),
    cacheMaxAgeFallback: Number(cacheMaxAgeFallback) || 0,
  };
}

function requestsPerMinute(value) {
  const n = Number(value === undefined ? DEFAULT_JWKS_REQUESTS_PER_MINUTE : value);
  if (Number.isNaN(n)) return undefined;
  return Math.min(Math.max(Math.floor(n), 0), 0xffffffff);
}

// `timeout` is jwks-rsa's and keeps the handling it has always had here,
// never an error: a whole number of ms, truncated; below 1 ms (0.5, 0, negative, NaN, not a
// number) is the default, so a fetch always has a deadline; above what one
// Node timer waits (Infinity too) is that, as Node's timers clamp.
function timeoutMs(value) {
  const n = Math.floor(Number(value));
  return n >= 1 ? Math.min(n, MAX_TIMER_MS) : DEFAULT_TIMEOUT_MS;
}

// The numeric options this package adds, and their one rule: a whole
// number of `unit` from `min` to `max`. Absent (undefined or null) is
// `fallback`; `also` lists the other values accepted as they are, named
// in the message by `alsoText`. Anything else is an ArgumentError at
// construction naming the option and its range: no value is replaced by
// another (0.5 is not rounded, 1e9 is not clamped, 0 is not the default).
// 0 is in a range only where it means something: no floor (`minCacheAge`),
// off (`unknownKidCooldown`, `refreshAhead`, `backgroundRefresh`).
const NUMERIC_OPTIONS = {
  maxResponseBytes: { unit: 'bytes', min: 1, fallback: DEFAULT_MAX_RESPONSE_BYTES },
  unknownKidCooldown: { min: 0, fallback: 0 },
  minCacheAge: { min: 0, fallback: DEFAULT_MIN_CACHE_AGE_MS },
  // `true`: 10% of cacheMaxAge.
  refreshAhead: { min: 0, fallback: 0, also: [true, false], alsoText: 'true or ' },
  backgroundRefresh: { min: MIN_BACKGROUND_MS, max: MAX_TIMER_MS, fallback: 0, also: [0, false], alsoText: '0 or ' },
  // `max` and `fallback` come from the fetch `timeout` (lib/share/shared-cache.js).
  commandTimeout: { label: 'Invalid sharedCache option: `commandTimeout`', min: 1 },
  // `retry`'s fields; maxDelay's `min` and `fallback` come from minDelay.
  'retry.retries': { unit: 'retries', min: 0, max: MAX_RETRIES, fallback: DEFAULT_RETRIES },
  'retry.minDelay': { min: 0, max: MAX_TIMER_MS, fallback: DEFAULT_RETRY_MIN_DELAY_MS },
  'retry.maxDelay': { max: MAX_TIMER_MS },
};

// The numeric option `name` set to `value`, or its fallback when absent;
// `bounds` overrides `max` and `fallback` where other options set them.
function numericOption(name, value, bounds) {
  const rule = { label: name, unit: 'milliseconds', max: MAX_SAFE, alsoText: '', ...NUMERIC_OPTIONS[name], ...bounds };
  if (value === undefined || value === null) return rule.fallback;
  if (rule.also?.includes(value) || (Number.isInteger(value) && value >= rule.min && value <= rule.max)) return value;
  throw new ArgumentError(
    `${rule.label} must be ${rule.alsoText}a whole number of ${rule.unit} from ${rule.min} to ${rule.max}, got ${shown(value, 100)}`,
  );
}

// `retry`: off (absent or `false`), `true` (the defaults: one retry) or
// `{ retries, minDelay, maxDelay }`, each field absent for its default.
function retryOption(value) {
  if (value === undefined || value === null || value === false) return undefined;
  if (value !== true && (typeof value !== 'object' || Array.isArray(value))) {
    throw new ArgumentError(`retry must be true, false or an object { retries, minDelay, maxDelay }, got ${shown(value, 100)}`);
  }
  const { retries, minDelay, maxDelay } = value === true ? {} : value;
  const min = numericOption('retry.minDelay', minDelay);
  const max = numericOption('retry.maxDelay', maxDelay, { min, fallback: Math.max(min, DEFAULT_RETRY_MAX_DELAY_MS) });
  return { retries: numericOption('retry.retries', retries), minDelay: min, maxDelay: max };
}

// Parses jwksUri as jwks-rsa does (WHATWG URL), for Rust to connect to.
function parseJwksUri(uri) {
  const url = URL.canParse(uri) ? new URL(uri) : undefined;
  if (url === undefined) return undefined;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const https = url.protocol === 'https:';
  return {
    https,
    host: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
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

// The freshness options, off unless asked for, so a client configured as
// for jwks-rsa sends jwks-rsa's requests and keeps keys for `cacheMaxAge`.
// `minCacheAge` is checked either way: out of its range it is an ArgumentError.
function freshnessConfig(options) {
  const config = {};
  const minCacheAge = numericOption('minCacheAge', options.minCacheAge);
  if (options.conditionalRequests) config.conditionalRequests = true;
  if (options.respectCacheControl) {
    config.respectCacheControl = true;
    // 0 is no floor. The native side reads below 1 ms as its default (30 s),
    // so it gets 1 ms, its least floor: a max-age=0 set lives 1 ms.
    config.minCacheAge = Math.max(minCacheAge, 1);
  }
  return config;
}

// The configuration handed to the native client, and any error that must
// surface on the first fetch rather than in the constructor.
function nativeConfig(options) {
  const config = {
    cache: Boolean(options.cache),
    rateLimit: Boolean(options.rateLimit),
    timeout: timeoutMs(options.timeout),
    maxResponseBytes: numericOption('maxResponseBytes', options.maxResponseBytes),
    unknownKidCooldown: numericOption('unknownKidCooldown', options.unknownKidCooldown),
    headers: /** @type {string[][]} */ ([]),
    // Key types jwks-rsa 4.1.0 skips, served only when asked for with `true`.
    x5cOnlyKeys: options.x5cOnlyKeys === true,
    secp256k1: options.secp256k1 === true,
  };
  if (config.cache) Object.assign(config, cacheSettings(options));
  const retry = retryOption(options.retry);
  if (retry) config.retry = retry;
  Object.assign(config, freshnessConfig(options));
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
    // Node's response head limit (`--max-http-header-size`), which jwks-rsa meets through Node's http.
    config.maxHeaderSize = require('http').maxHeaderSize;
    try {
      config.proxy = proxyFor(config.uri, options);
    } catch (err) {
      deferredError = deferredError || err;
    }
  }
  return { config, deferredError };
}

/** The fields of the configuration that shape a fetch or what its body yields. */
const FETCH_FIELDS = ['uri', 'headers', 'ca', 'cert', 'key', 'proxy', 'maxResponseBytes', 'x5cOnlyKeys', 'secp256k1'];

/**
 * What a client fetches, as a string: clients equal in it receive the same
 * set, so they may share it, across threads (lib/share/threads.js) and
 * processes (lib/share/shared-cache.js). Undefined without `jwksUri`: nothing
 * says which set a `fetcher` returns.
 */
function fetchIdentity(options, config) {
  const { jwksUri } = options;
  if (jwksUri === undefined || jwksUri === null || jwksUri === '') return undefined;
  const identity = { jwksUri: String(jwksUri), fetcher: typeof options.fetcher === 'function' };
  for (const field of FETCH_FIELDS) if (config[field] !== undefined) identity[field] = config[field];
  return JSON.stringify(identity);
}

module.exports = { nativeConfig, numericOption, fetchIdentity };
