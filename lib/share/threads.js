'use strict';

const { backend } = require('../loader/native');
const { logger } = require('../observe/client-log');
const { fetchIdentity } = require('../config/options');

// `shareAcrossThreads`: whether a client joins the process-wide core of its
// endpoint, and under which key: its fetch identity and every other setting
// the native side receives but the moment the client was made, so clients
// share only when they would fetch, cache and rate-limit the same way.
// Sources written in JavaScript run in the thread that made them and die
// with it, and the WebAssembly backend is a separate instance in each
// worker: those clients keep to themselves, as with jwks-rsa.

function notShared(options, config, hooks) {
  if (backend !== 'native') return 'the WebAssembly backend has one instance per thread';
  if (typeof options.fetcher === 'function') return 'a fetcher runs in the thread that made it';
  if (hooks.fetch) return 'its options fail every fetch';
  if (options.requestAgent) return 'a requestAgent belongs to the thread that made it';
  if (hooks.intercept) return 'a getKeysInterceptor runs in the thread that made it';
  if (hooks.store) return 'a sharedCache store runs in the thread that made it';
  if (!config.uri) return 'jwksUri is not an http(s) URL';
  return undefined;
}

// The key of the shared core for these options, or undefined when the
// client keeps its own (said under DEBUG=jwks).
function shareKey(options, config, hooks) {
  if (!options.shareAcrossThreads) return undefined;
  const why = notShared(options, config, hooks);
  if (logger.enabled) {
    logger(why === undefined ? `Sharing keys across threads for '${options.jwksUri}'` : `Not sharing keys across threads: ${why}`);
  }
  if (why !== undefined) return undefined;
  const { limiterClock, ...settings } = config;
  return JSON.stringify({ fetch: fetchIdentity(options, config), settings });
}

module.exports = { shareKey };
