'use strict';

// The freshness options (`conditionalRequests`, `respectCacheControl`,
// `minCacheAge`: lib/config/options.js) for fetches through Node's http:
// the validators put on the request, and the caching headers read back for
// the native side, which decides.

// `arg` is what native passes a Node http fetch: '' with the options off,
// else JSON naming the validators to send, which never replace a header
// of `requestHeaders`. `sent`: whether one was added (only then is a 304 an answer).
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

// What a conditional fetch resolves with: the body, or `notModified`; with
// the caching headers as native reads them from its own transport (the
// first value of each, Cache-Control lines joined).
function reply(res, body) {
  const distinct = res.headersDistinct || {};
  const first = (name) => (distinct[name] ? distinct[name][0] : [res.headers[name]].flat()[0]);
  const headers = {
    etag: first('etag'),
    lastModified: first('last-modified'),
    cacheControl: distinct['cache-control'] ? distinct['cache-control'].join(', ') : first('cache-control'),
    expires: first('expires'),
    date: first('date'),
    age: first('age'),
  };
  return body === undefined ? { notModified: true, headers } : { body, headers };
}

module.exports = { conditionalRequest, reply };
