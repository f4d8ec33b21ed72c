'use strict';

// The identity of what a client fetches: every option that changes what a
// fetch of its key set returns. Two clients with the same identity receive
// the same set, so they may share it: across worker threads
// (`shareAcrossThreads`, whose key adds the cache and limiter settings) and
// across processes (`sharedCache`, whose record it names). A client whose
// keys come from a `fetcher` with no `jwksUri` has none: nothing says which
// set its fetcher returns.

/** The normalized options that shape a fetch or what its body yields. */
const FETCH_FIELDS = ['uri', 'headers', 'ca', 'cert', 'key', 'proxy', 'maxResponseBytes', 'x5cOnlyKeys', 'secp256k1'];

/** The identity as a string, or undefined when the client has none. */
function fetchIdentity(options, config) {
  const { jwksUri } = options;
  if (jwksUri === undefined || jwksUri === null || jwksUri === '') return undefined;
  const identity = { jwksUri: String(jwksUri), fetcher: typeof options.fetcher === 'function' };
  for (const field of FETCH_FIELDS) if (config[field] !== undefined) identity[field] = config[field];
  return JSON.stringify(identity);
}

/** The settings of `config` that are not part of the fetch identity. */
function settingsBeside(config) {
  const settings = {};
  for (const [name, value] of Object.entries(config)) if (!FETCH_FIELDS.includes(name)) settings[name] = value;
  return settings;
}

module.exports = { fetchIdentity, settingsBeside };
