'use strict';

const binding = require('./native');
const { makeSigningKey } = require('./signing-key');
const { toError } = require('./native-errors');
const { nativeConfig } = require('./options');
const { ensureDefaultRoots } = require('./roots');
const { failingSource, fetcherSource, interceptorSource } = require('./hooks');

// Bound on the JavaScript memo; only kids that resolved to a key enter it.
const MEMO_LIMIT = 4096;

// What the native side needs to know about a kid: `undefined`/`null` ask
// for the only key; a non-string can never match but is still looked up.
// Template-literal conversion throws for a Symbol, as it does in jwks-rsa.
function kidArgs(kid) {
  if (kid === undefined || kid === null) return [null, true];
  if (typeof kid === 'string') return [kid, true];
  return [`${kid}`, false];
}

class JwksClient {
  #native;
  #memo;
  #onStale;

  constructor(options) {
    if (options === undefined || options === null) {
      // jwks-rsa reads its cache options straight off the argument.
      throw new TypeError(`Cannot read properties of ${options} (reading 'cacheMaxEntries')`);
    }
    this.options = { rateLimit: false, cache: true, timeout: 30000, ...options };
    const { config, deferredError } = nativeConfig(this.options);
    if (config.uri && config.uri.https && !config.tlsCa) ensureDefaultRoots(binding);
    const hooks = {};
    if (deferredError) hooks.fetch = failingSource(deferredError);
    else if (typeof options.fetcher === 'function') hooks.fetch = fetcherSource(options.fetcher, this.options.jwksUri);
    if (typeof options.getKeysInterceptor === 'function') hooks.intercept = interceptorSource(options.getKeysInterceptor);
    this.#native = new binding.NativeClient(config, hooks);
    this.#memo = config.cache ? new Map() : undefined;
    this.#onStale = typeof options.onStaleCacheFallback === 'function' ? options.onStaleCacheFallback : undefined;
    this.getSigningKey = this.#bindGetSigningKey();
  }

  // An own property, as in jwks-rsa, so `promisify(client.getSigningKey)`
  // and destructuring keep working. A memoized key is answered without
  // crossing into native code.
  #bindGetSigningKey() {
    const memo = this.#memo;
    if (memo === undefined) {
      return (kid, cb) => (cb ? this.#callback(this.#load(kid), cb) : this.#load(kid));
    }
    return (kid, cb) => {
      const hit = memo.get(kid);
      if (hit !== undefined && hit.expires >= Date.now()) {
        if (!cb) return Promise.resolve(hit.key);
        process.nextTick(cb, null, hit.key);
        return undefined;
      }
      return cb ? this.#callback(this.#load(kid), cb) : this.#load(kid);
    };
  }

  // util.callbackify's contract: the callback runs on a later tick, outside
  // the promise, so an exception it throws is not swallowed.
  #callback(promise, cb) {
    promise.then(
      (key) => process.nextTick(cb, null, key),
      (err) => process.nextTick(cb, err),
    );
  }

  async #load(kid) {
    const [text, matchable] = kidArgs(kid);
    const now = Date.now();
    const native = this.#native;
    const answer = native.cached(text, matchable, now) ?? (await native.signingKey(text, matchable, now));
    if (answer.error) throw toError(answer.error);
    const key = this.#keyFor(kid, answer);
    if (answer.stale && this.#onStale) this.#onStale(toError(answer.stale), kid, key);
    return key;
  }

  #keyFor(kid, answer) {
    const memo = this.#memo;
    if (memo === undefined || !answer.cacheable) return makeSigningKey(answer.key);
    const known = memo.get(kid);
    if (known !== undefined && known.pem === answer.key.pem) {
      known.expires = answer.expires;
      return known.key;
    }
    const key = makeSigningKey(answer.key);
    if (memo.size >= MEMO_LIMIT) memo.delete(memo.keys().next().value);
    memo.set(kid, { key, pem: answer.key.pem, expires: answer.expires });
    return key;
  }

  async getKeys() {
    try {
      const answer = await this.#native.document(Date.now());
      if (answer.error) throw toError(answer.error);
      // An empty body reads as no keys, exactly as in jwks-rsa.
      const res = answer.body && JSON.parse(answer.body);
      return res.keys;
    } catch (err) {
      if (err !== null && typeof err === 'object') err.isEndpointUnavailable = true;
      throw err;
    }
  }

  async getSigningKeys() {
    const answer = await this.#native.signingKeys(Date.now());
    if (answer.error) throw toError(answer.error);
    return answer.keys.map(makeSigningKey);
  }

  /** Counters of this client (fetches, coalesced requests, cache hits...). */
  stats() {
    return this.#native.stats();
  }
}

module.exports = { JwksClient };
