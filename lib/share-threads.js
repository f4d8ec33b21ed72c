'use strict';

const { backend } = require('./native');
const { logger } = require('./observe/client-log');
const { fetchIdentity, settingsBeside } = require('./fetch-identity');

// `shareAcrossThreads`: whether a client joins the process-wide core of its
// endpoint, and under which key.
//
// The key is the fetch identity (lib/fetch-identity.js) and every other
// setting the native side receives except the moment the client was made,
// so two clients share only when they would fetch, cache and rate-limit
// the same way. Sources written in JavaScript (`fetcher`,
// `requestAgent`, `getKeysInterceptor`, a `sharedCache.store`) run in the
// thread that made them and die with it, and the WebAssembly backend is a
// separate instance in each worker: those clients keep to themselves, as
// with jwks-rsa.

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
  if (why !== undefined) {
    if (logger.enabled) logger(`Not sharing keys across threads: ${why}`);
    return undefined;
  }
  const { limiterClock, ...rest } = config;
  if (logger.enabled) logger(`Sharing keys across threads for '${options.jwksUri}'`);
  return JSON.stringify({ fetch: fetchIdentity(options, config), settings: settingsBeside(rest) });
}

module.exports = { shareKey };
