'use strict';

const { numericOption } = require('./options');
const { DEFAULT_MIN_CACHE_AGE_MS } = require('./constants');

// The freshness options (`conditionalRequests`, `respectCacheControl`,
// `minCacheAge`): off unless asked for, so a client configured as for
// jwks-rsa sends jwks-rsa's requests and keeps keys for `cacheMaxAge`.
// The native side decides (src/client/revalidate.rs, src/cache_control.rs);
// this file reads the options and, for fetches through Node's http, puts
// the validators on the request and reads the caching headers back.

// The native configuration for the options that are on; nothing for those
// off. `minCacheAge` is checked whether or not it is used: a value out of
// its range is an ArgumentError either way.
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

// `arg` is what native passes a Node http fetch: '' with the options off,
// else JSON naming the validators to send. Returns the request headers and
// whether a validator was added (only then is a 304 an answer); a header
// the user set in `requestHeaders` is left as the user set it.
function conditionalRequest(arg, headers) {
  if (!arg) return { headers, conditional: undefined };
  const { ifNoneMatch, ifModifiedSince } = JSON.parse(arg);
  const taken = new Set(Object.keys(headers || {}).map((name) => name.toLowerCase()));
  const added = {};
  if (ifNoneMatch !== undefined && !taken.has('if-none-match')) added['If-None-Match'] = ifNoneMatch;
  if (ifModifiedSince !== undefined && !taken.has('if-modified-since')) added['If-Modified-Since'] = ifModifiedSince;
  const sent = Object.keys(added).length > 0;
  return { headers: sent ? { ...headers, ...added } : headers, conditional: { sent } };
}

// The caching headers as native reads them from its own transport: the
// first value of each, Cache-Control lines joined.
function cacheHeaders(res) {
  const distinct = res.headersDistinct || {};
  const first = (name) => {
    const values = distinct[name];
    if (values !== undefined) return values[0];
    const value = res.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const cacheControl = distinct['cache-control'];
  return {
    etag: first('etag'),
    lastModified: first('last-modified'),
    cacheControl: cacheControl === undefined ? first('cache-control') : cacheControl.join(', '),
    expires: first('expires'),
    date: first('date'),
    age: first('age'),
  };
}

// What a conditional fetch resolves with: the body, or "not modified" for
// a 304 to a request that carried a validator; with the caching headers.
function reply(res, body) {
  if (body === undefined) return { notModified: true, headers: cacheHeaders(res) };
  return { body, headers: cacheHeaders(res) };
}

module.exports = { DEFAULT_MIN_CACHE_AGE_MS, freshnessConfig, conditionalRequest, reply };
