'use strict';

const { wrapHook } = require('./hooks');
const { nodeFetch, failureOf, withDeadline, httpIntercepted } = require('./node-fetch');
const { conditionalRequest } = require('./freshness');

// The JavaScript-backed sources of a client, wrapped for the native side.
// `own`: the WebAssembly build, where Node's http is the only transport, so
// it enforces every deadline and applies the proxy and TLS options itself.

// `fetcher(jwksUri)` replaces HTTP and resolves with `{ keys }`. As in
// jwks-rsa it is called with the request options as `this`, and `getKeys()`
// returns the very `keys` it resolved with.
function fetcherSource(options, memory, transport) {
  const { jwksUri: uri, requestHeaders: headers, requestAgent: agent, timeout, fetcher } = options;
  const context = { uri, headers, agent, timeout, fetcher };
  const fetch = async () => options.fetcher.call(context, options.jwksUri);
  return wrapHook(async () => {
    const res = await (transport.own ? withDeadline(fetch(), transport.timeout) : fetch());
    memory.body = res === undefined ? '' : JSON.stringify(res);
    memory.res = res;
    return memory.body;
  });
}

// `getKeysInterceptor()` resolves with a keys array (or nothing).
function interceptorSource(interceptor) {
  return wrapHook(async () => {
    const keys = await interceptor();
    return Array.isArray(keys) && keys.length > 0 ? JSON.stringify(keys) : undefined;
  });
}

// Node's http/https, for a `requestAgent` or while http is intercepted, and
// for every fetch with `own`. An interceptor (nock) sees the endpoint
// itself, as with the native client, not the proxy.
function nodeHttpSource(options, config, { own }) {
  const set = ['ca', 'cert', 'key'].filter((name) => options[name] !== undefined && options[name] !== null);
  const tls = own && set.length > 0 ? Object.fromEntries(set.map((name) => [name, options[name]])) : undefined;
  const fetch = (arg) =>
    nodeFetch({
      uri: options.jwksUri,
      ...conditionalRequest(arg, options.requestHeaders),
      agent: options.requestAgent,
      timeout: config.timeout,
      maxResponseBytes: config.maxResponseBytes,
      ...(own && !httpIntercepted(Boolean(config.uri && config.uri.https)) && { proxy: config.proxy, tls }),
    });
  return wrapHook(fetch, failureOf);
}

// A source failing every fetch with `err`, for options jwks-rsa rejects at
// fetch time rather than in its constructor.
function failingSource(err) {
  return wrapHook(() => {
    throw err;
  });
}

module.exports = { fetcherSource, interceptorSource, nodeHttpSource, failingSource };
