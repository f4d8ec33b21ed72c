'use strict';

const { keepHookError } = require('./native-errors');

// Wraps a JavaScript source so that it never throws into native code: it
// resolves with `{ body }` (JSON text) or with `{ handle }`, the handle of
// the value it threw, which the lookup then rethrows (native-errors.js reads
// it as jwks-rsa reads a failed request).
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

module.exports = { wrapHook };
