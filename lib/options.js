'use strict';

const {
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_MIN_CACHE_AGE_MS,
  DEFAULT_TIMEOUT_MS,
  MAX_TIMEOUT_MS,
  MAX_TIMER_MS,
  MIN_BACKGROUND_MS,
} = require('./constants');
const { ArgumentError } = require('./errors');
const { proxyFor } = require('./transport/proxy-env');
const { limiterClock } = require('./client/limiter-clock');

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

// The numeric options this package adds, and their one rule: a whole
// number of `unit` from `min` to `max`. Absent (undefined or null) is
// `fallback`; `also` lists the other values accepted as they are, named
// in the message by `alsoText`. Anything else is an ArgumentError at
// construction naming the option and its range: no value is replaced by
// another (0.5 is not rounded, 1e9 is not clamped, 0 is not the default).
// 0 is in a range only where it means something: no floor (`minCacheAge`),
// off (`unknownKidCooldown`, `refreshAhead`, `backgroundRefresh`).
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const NUMERIC_OPTIONS = {
  maxResponseBytes: { unit: 'bytes', min: 1, max: MAX_SAFE, fallback: DEFAULT_MAX_RESPONSE_BYTES },
  unknownKidCooldown: { min: 0, max: MAX_SAFE, fallback: 0 },
  minCacheAge: { min: 0, max: MAX_SAFE, fallback: DEFAULT_MIN_CACHE_AGE_MS },
  // `true`: 10% of cacheMaxAge; `false`, 0: off.
  refreshAhead: { min: 0, max: MAX_SAFE, fallback: 0, also: [true, false], alsoText: 'true or ' },
  // 0, `false`: off. At most what one Node timer waits.
  backgroundRefresh: { min: MIN_BACKGROUND_MS, max: MAX_TIMER_MS, fallback: 0, also: [0, false], alsoText: '0 or ' },
  // At most the client's fetch `timeout` (given as `max`): a store that never
  // answers delays a fetch by no more than the timeout. Default 500 ms, or
  // the timeout if shorter.
  commandTimeout: { label: 'Invalid sharedCache option: `commandTimeout`', min: 1, fallback: DEFAULT_COMMAND_TIMEOUT_MS },
};

/** `value` as an error message shows it: `"text"`, `0.5`, `NaN`, `10n`, `{}`. */
function described(value) {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  let text;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  if (text === undefined) text = typeof value === 'symbol' ? value.toString() : Object.prototype.toString.call(value);
  return text.length > 100 ? `${text.slice(0, 100)}...` : text;
}

/**
 * The numeric option `name` of NUMERIC_OPTIONS set to `value`: the value
 * itself when in range (or one of its `also` values), its `fallback` when
 * absent; otherwise throws ArgumentError. `bounds` overrides the table's
 * `max` and `fallback` where they depend on other options.
 */
function numericOption(name, value, bounds) {
  const rule = { unit: 'milliseconds', ...NUMERIC_OPTIONS[name], ...bounds };
  if (value === undefined || value === null) return rule.fallback;
  if (rule.also !== undefined && rule.also.includes(value)) return value;
  if (Number.isInteger(value) && value >= rule.min && value <= rule.max) return value;
  throw new ArgumentError(
    `${rule.label || name} must be ${rule.alsoText || ''}a whole number of ${rule.unit} from ${rule.min} to ${rule.max}, got ${described(value)}`,
  );
}

// `timeout` is jwks-rsa's option and keeps the handling it has always had
// here, never an error: a whole number of ms, truncated; below 1 ms (0.5,
// 0, negative, NaN, not a number) is 30 s, so a fetch always has a
// deadline; above 2^31 - 1 ms (Infinity too) is 2^31 - 1 ms, as Node's
// timers clamp.
function timeoutMs(value) {
  const n = Math.floor(Number(value));
  if (!(n >= 1)) return DEFAULT_TIMEOUT_MS;
  return Math.min(n, MAX_TIMEOUT_MS);
}

// The configuration handed to the native client, and any error that must
// surface on the first fetch rather than in the constructor.
function nativeConfig(options) {
  const config = {
    cache: Boolean(options.cache),
    rateLimit: Boolean(options.rateLimit),
    // Falsy or invalid: still bounded, as Node's agent bounds jwks-rsa's fetch.
    timeout: timeoutMs(options.timeout),
    maxResponseBytes: numericOption('maxResponseBytes', options.maxResponseBytes),
    unknownKidCooldown: numericOption('unknownKidCooldown', options.unknownKidCooldown),
    headers: /** @type {string[][]} */ ([]),
    // Key types jwks-rsa 4.1.0 skips, served only when asked for with `true`.
    x5cOnlyKeys: options.x5cOnlyKeys === true,
    secp256k1: options.secp256k1 === true,
  };
  if (config.cache) Object.assign(config, cacheSettings(options));
  // Required here: freshness.js reads this module's `numericOption`.
  Object.assign(config, require('./transport/freshness').freshnessConfig(options));
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

module.exports = { nativeConfig, numericOption, parseJwksUri };
