'use strict';

const { wrapHook } = require('./hooks');
const { nodeFetch } = require('./node-fetch');

// The JavaScript-backed sources of a client, wrapped for the native side.

// `fetcher(jwksUri)` replaces HTTP and resolves with `{ keys }`. As in
// jwks-rsa it is called with the request options as `this`, and `getKeys()`
// returns the very `keys` it resolved with.
function fetcherSource(options, memory) {
  const context = {
    uri: options.jwksUri,
    headers: options.requestHeaders,
    agent: options.requestAgent,
    timeout: options.timeout,
    fetcher: options.fetcher,
  };
  return wrapHook(async () => {
    const res = await options.fetcher.call(context, options.jwksUri);
    const body = res === undefined ? '' : JSON.stringify(res);
    memory.body = body;
    memory.res = res;
    return body;
  });
}

// `getKeysInterceptor()` resolves with a keys array (or nothing).
function interceptorSource(interceptor) {
  return wrapHook(async () => {
    const keys = await interceptor();
    return Array.isArray(keys) && keys.length > 0 ? JSON.stringify(keys) : undefined;
  });
}

// Node's http/https, for a `requestAgent` or while http is intercepted.
function nodeHttpSource(options, config) {
  return wrapHook(() =>
    nodeFetch({
      uri: options.jwksUri,
      headers: options.requestHeaders,
      agent: options.requestAgent,
      timeout: config.timeout,
      maxResponseBytes: config.maxResponseBytes,
    }),
  );
}

// A source failing every fetch with `err`, for options jwks-rsa rejects at
// fetch time rather than in its constructor.
function failingSource(err) {
  return wrapHook(() => {
    throw err;
  });
}

module.exports = { fetcherSource, interceptorSource, nodeHttpSource, failingSource };
