'use strict';

const { keepHookError } = require('./native-errors');

// Wraps a JavaScript source so that it never throws into native code: it
// resolves with `{ body }` (JSON text) or with `{ handle }`, the handle of
// the value it threw, which the lookup then rethrows unchanged.
function wrapHook(produceBody) {
  return async () => {
    try {
      const body = await produceBody();
      return typeof body === 'string' ? { body } : {};
    } catch (err) {
      return { handle: keepHookError(err) };
    }
  };
}

// A source that fails every fetch with `err`, for options jwks-rsa rejects
// at fetch time rather than in its constructor.
function failingSource(err) {
  return wrapHook(() => {
    throw err;
  });
}

// `fetcher(jwksUri)` resolves with `{ keys }`; the native side wants text.
function fetcherSource(fetcher, jwksUri) {
  return wrapHook(async () => {
    const res = await fetcher(jwksUri);
    return res === undefined ? '' : JSON.stringify(res);
  });
}

// `getKeysInterceptor()` resolves with a keys array, or nothing.
function interceptorSource(interceptor) {
  return wrapHook(async () => {
    const keys = await interceptor();
    return Array.isArray(keys) && keys.length > 0 ? JSON.stringify(keys) : undefined;
  });
}

module.exports = { wrapHook, failingSource, fetcherSource, interceptorSource };
