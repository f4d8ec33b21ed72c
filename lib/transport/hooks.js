'use strict';

const { keepHookError } = require('../native-errors');

// A JavaScript source that never throws into native code: it resolves with
// `{ body }` (JSON text), a reply object (freshness.js), or the `{ handle }`
// of the value it threw, which the lookup rethrows (native-errors.js), with
// what `describe(err)` tells of it.
function wrapHook(produceBody, describe) {
  return async (arg) => {
    try {
      const body = await produceBody(arg);
      if (body !== null && typeof body === 'object') return body;
      return typeof body === 'string' ? { body } : {};
    } catch (err) {
      return { handle: keepHookError(err), ...describe?.(err) };
    }
  };
}

module.exports = { wrapHook };
