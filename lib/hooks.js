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

module.exports = { wrapHook, failingSource };
