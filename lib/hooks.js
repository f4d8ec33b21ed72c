'use strict';

const { keepHookError } = require('./native-errors');

// Wraps a JavaScript source so that it never throws into native code: it
// resolves with `{ body }` (JSON text) or with `{ handle }`, the handle of
// the value it threw, which the lookup then rethrows (native-errors.js reads
// it as jwks-rsa reads a failed request). A fetch through Node's http with
// the freshness options resolves with a reply object (lib/freshness.js).
function wrapHook(produceBody) {
  return async (arg) => {
    try {
      const body = await produceBody(arg);
      if (body !== null && typeof body === 'object') return body;
      return typeof body === 'string' ? { body } : {};
    } catch (err) {
      return { handle: keepHookError(err) };
    }
  };
}

module.exports = { wrapHook };
