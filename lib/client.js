'use strict';

const util = require('util');
const { binding, backend } = require('./native');
const { makeSigningKey } = require('./signing-key');
const { KeyMemo } = require('./key-memo');
const { admitted } = require('./limiter-clock');
const { toError } = require('./native-errors');
const { nativeConfig } = require('./options');
const { ensureDefaultRoots } = require('./roots');
const { ArgumentError } = require('./errors');
const { httpIntercepted } = require('./node-fetch');
const sources = require('./sources');
const { shareKey } = require('./share-threads');
const { sharedCacheConfig } = require('./shared-cache');
const { Discovery, discoveryUrl } = require('./discovery');
const log = require('./client-log');
const { Refresher } = require('./refresher');
const { refreshSettings } = require('./refresh-options');
const { refreshAheadLookup } = require('./refresh-ahead');
const { FetchWatch, publish } = require('./diagnostics');
const { describeHealth } = require('./health');

// What the native side needs to know about a kid: `undefined`/`null` ask
// for the only key; a non-string can never match but is still looked up.
// Template-literal conversion throws for a Symbol, as it does in jwks-rsa.
function kidArgs(kid) {
  if (kid === undefined || kid === null) return [null, true];
  if (typeof kid === 'string') return [kid, true];
  return [`${kid}`, false];
}

// A truthy callback that is not a function: the very TypeError
// util.callbackify throws for it in jwks-rsa.
function rejectCallback(cb) {
  util.callbackify(async () => {})(cb);
}

// util.callbackify's contract: the callback runs on a later tick, outside
// the promise, so an exception it throws is not swallowed.
function deliver(promise, cb) {
  promise.then(
    (key) => process.nextTick(cb, null, key),
    (err) => process.nextTick(cb, err),
  );
}

// The body at a client's URI, fetched as a set is (set in a static block,
// which may read private fields, so JwksClient keeps jwks-rsa's shape).
let documentBody;
// The client whose rate limiter and cooldown the next client made draws on
// (the clients of one issuer), handed over beside the options so that
// `options` stays the user's.
let nextGate;
// The native client of a JwksClient (set in its static block).
let gateOf;

function createNative(options, config, hooks, gate) {
  const share = shareKey(options, config, hooks);
  // The WebAssembly build has no TLS of its own: Node's https brings its roots.
  if (backend === 'native' && config.uri && config.uri.https && !config.ca) ensureDefaultRoots(binding);
  // A rediss:// shared cache trusts those default roots too.
  const redis = config.sharedCache && config.sharedCache.redis;
  if (backend === 'native' && redis && redis.tls) ensureDefaultRoots(binding);
  try {
    const native = new binding.NativeClient(config, hooks, share, gate);
    if (backend === 'wasm') checkTls(options, config);
    return native;
  } catch (/** @type {any} */ err) {
    throw new ArgumentError(err.message);
  }
}

// What the native client checks when it builds its TLS settings, here with
// Node's crypto and tls for the WebAssembly build: a `ca` without a usable
// certificate, or an unusable `cert`/`key`, fails the constructor rather
// than each fetch.
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g;
function checkTls(options, config) {
  if (!config.uri || !config.uri.https) return;
  if (config.ca !== undefined) {
    const { X509Certificate } = require('crypto');
    const usable = (config.ca.match(PEM_CERTIFICATE) || []).filter((pem) => {
      try {
        return new X509Certificate(pem) !== undefined;
      } catch {
        return false;
      }
    });
    if (usable.length === 0) throw new Error('No usable CA certificate was given');
  }
  if (config.cert !== undefined) require('tls').createSecureContext({ cert: options.cert, key: options.key });
}

class JwksClient {
  #native;
  #memo;
  #inflight = new Map();
  #limited;
  #fallback;
  #onStale;
  #fetched = {};
  // undefined: no choice; true/false: fetching through Node's http or not.
  #viaNode;
  #agentOnly = false;
  #https = false;
  #discovery;
  #refresher;
  #watch;

  static {
    // With `limited`, the fetch is charged to the rate limiter, waiting on
    // this realm's timers when it says so, as a lookup does.
    documentBody = async (client, limited) => {
      client.#chooseTransport();
      const native = client.#native;
      const answer = await admitted((now, clock) => native.document(now, clock), Date.now(), limited);
      if (answer.error) throw toError(answer.error);
      return answer.body;
    };
    gateOf = (client) => client.#native;
  }

  constructor(options) {
    if (options === undefined || options === null) {
      // jwks-rsa reads its cache options straight off the argument.
      throw new TypeError(`Cannot read properties of ${options} (reading 'cacheMaxEntries')`);
    }
    this.options = { rateLimit: false, cache: true, timeout: 30000, ...options };
    // `issuer` without `jwksUri` or a `fetcher` (which decide where keys come
    // from, as in jwks-rsa): keys come from the discovered jwks_uri.
    if (this.options.issuer != null && !this.options.jwksUri && typeof this.options.fetcher !== 'function') {
      this.#discovery = discoveryOf(this.options);
      // The discovered set's sharedCache is checked now, as with jwksUri,
      // under the name of the discovery URL until a jwks_uri is known.
      const named = { ...this.options, jwksUri: discoveryUrl(this.options.issuer) };
      sharedCacheConfig(named, nativeConfig(named).config);
      log.logConfiguration(this.options);
      this.getSigningKey = this.#bindGetSigningKey();
      return;
    }
    const gate = nextGate;
    nextGate = undefined;
    const { config, deferredError } = nativeConfig(this.options);
    // sharedCache: fetches consult a store shared by the fleet first.
    const shared = sharedCacheConfig(this.options, config);
    const hooks = this.#hooks(config, deferredError);
    if (shared) {
      config.sharedCache = shared.parts;
      if (shared.store) hooks.store = shared.store;
    }
    this.#native = createNative(this.options, config, hooks, gate);
    this.#memo = config.cache ? new KeyMemo(config.cacheMaxEntries, config.cacheMaxAge) : undefined;
    this.#limited = config.rateLimit;
    this.#fallback = Boolean(config.cache && config.cacheMaxAgeFallback);
    this.#onStale = this.options.onStaleCacheFallback;
    this.#startRefresher(config);
    log.logConfiguration(this.options);
    this.getSigningKey = this.#bindGetSigningKey();
  }

  // refreshAhead, backgroundRefresh, reload() and warm(): see lib/refresher.js.
  #startRefresher(config) {
    const { ahead, every } = refreshSettings(this.options, config);
    this.#watch = new FetchWatch(this.#native, this);
    this.#refresher = new Refresher({
      client: this,
      native: this.#native,
      limited: this.#limited,
      ahead,
      every,
      prepare: () => this.#chooseTransport(),
      renew: (now) => this.#renew(now),
      watch: () => this.#watch.look(),
    });
    this.#refresher.start(this);
  }

  // After a refresh: each memoized kid the new set lists is served from it
  // until its expiry, as if loaded now, without a lookup asking native.
  #renew(now) {
    const memo = this.#memo;
    if (memo === undefined) return;
    for (const kid of [...memo.entries.keys()]) {
      const [text, matchable] = kidArgs(kid);
      const answer = this.#native.renewed(text, matchable, now);
      if (answer !== null) memo.answered(kid, answer, true, now);
    }
  }

  #hooks(config, deferredError) {
    const options = this.options;
    const hooks = {};
    const transport = { own: backend === 'wasm', timeout: config.timeout };
    if (deferredError) hooks.fetch = sources.failingSource(deferredError);
    else if (typeof options.fetcher === 'function') hooks.fetch = sources.fetcherSource(options, this.#fetched, transport);
    else if (config.uri) {
      hooks.nodeHttp = sources.nodeHttpSource(options, config, transport);
      this.#viaNode = false;
      this.#agentOnly = Boolean(options.requestAgent);
      this.#https = config.uri.https;
    }
    if (typeof options.getKeysInterceptor === 'function') {
      hooks.intercept = sources.interceptorSource(options.getKeysInterceptor);
    }
    return hooks;
  }

  // Fetch through Node's http with a requestAgent, or while nock, msw or a
  // stub of `request` intercepts it; natively otherwise. Checked on each
  // miss, not each hit.
  #chooseTransport() {
    if (this.#viaNode === undefined) return;
    const viaNode = this.#agentOnly || httpIntercepted(this.#https);
    if (viaNode !== this.#viaNode) {
      this.#viaNode = viaNode;
      this.#native.useNodeHttp(viaNode);
    }
  }

  // An own property, as in jwks-rsa, so `promisify(client.getSigningKey)`
  // and destructuring keep working. A memoized key is answered without
  // crossing into native code; the hit is stamped for the memo's recency.
  #bindGetSigningKey() {
    const discovery = this.#discovery;
    if (discovery !== undefined) {
      return (kid, cb) => {
        if (!cb) return discovery.getSigningKey(kid);
        if (typeof cb !== 'function') rejectCallback(cb);
        return deliver(discovery.getSigningKey(kid), cb);
      };
    }
    const memo = this.#memo;
    if (memo === undefined) {
      return (kid, cb) => (cb ? this.#callback(kid, cb) : this.#load(kid));
    }
    const entries = memo.entries;
    const lookup = (kid, cb) => {
      const hit = entries.get(kid);
      const now = Date.now();
      if (hit !== undefined && hit.expires >= now) {
        hit.used = ++memo.seq;
        hit.seenAt = now;
        memo.hits++;
        if (!cb) return Promise.resolve(hit.key);
        if (typeof cb !== 'function') rejectCallback(cb);
        process.nextTick(cb, null, hit.key);
        return undefined;
      }
      return cb ? this.#callback(kid, cb, true) : this.#shared(kid).then();
    };
    return this.#refresher.ahead ? refreshAheadLookup(memo, this.#refresher, lookup) : lookup;
  }

  // Concurrent misses for one kid share one native lookup, as jwks-rsa's
  // memoizer queues them: an awaited native call costs ~30 us, so 1000
  // callers of one kid would otherwise cost ~15 ms instead of ~1 ms. Each
  // caller still gets its own promise, unhandled if it leaves it so.
  #shared(kid) {
    const inflight = this.#inflight;
    let pending = inflight.get(kid);
    if (pending === undefined) {
      pending = this.#load(kid).finally(() => inflight.delete(kid));
      inflight.set(kid, pending);
    }
    return pending;
  }

  #callback(kid, cb, shared) {
    if (typeof cb !== 'function') rejectCallback(cb);
    deliver(shared ? this.#shared(kid) : this.#load(kid), cb);
  }

  async #load(kid) {
    const [text, matchable] = kidArgs(kid);
    const now = Date.now();
    const native = this.#native;
    const memo = this.#memo;
    const seenAt = memo === undefined ? undefined : memo.seenAt(kid);
    const load = memo === undefined || memo.isLoad(kid, now);
    let answer = native.cached(text, matchable, now, load);
    if (answer === null) {
      this.#chooseTransport();
      answer = await this.#fetchKey(text, matchable, now, load, seenAt);
      this.#watch.look();
      log.logMiss(native, this.options, kid, answer);
    }
    if (answer.error) {
      const err = toError(answer.error);
      const held = load ? undefined : memo.held(kid, err, now);
      if (held !== undefined) {
        // A key kept past its refresh because the endpoint failed: stale,
        // and said so when the fallback is configured.
        if (this.#fallback) this.#staleServed(err, kid, held);
        return held;
      }
      log.logFailure(err, kid, this.options);
      throw err;
    }
    const key = memo === undefined || !answer.cacheable ? makeSigningKey(answer.key) : memo.answered(kid, answer, load, Date.now());
    if (answer.stale) this.#staleServed(toError(answer.stale), kid, key);
    return key;
  }

  // The native lookup past the cache, waiting for a token when the rate
  // limiter says so (see `admitted`).
  #fetchKey(text, matchable, now, load, seenAt) {
    const native = this.#native;
    if (!this.#limited) return native.signingKey(text, matchable, now, load, seenAt, undefined);
    return admitted((at, clock) => native.signingKey(text, matchable, at, load, seenAt, clock), now, true);
  }

  #staleServed(err, kid, key) {
    log.logStale(err, kid);
    publish('stale', () => ({ client: this, jwksUri: this.options.jwksUri, kid, error: err }));
    if (this.#onStale) this.#onStale(err, kid, key);
  }

  // jwks-rsa has it on the prototype too (stubbed there by test suites);
  // instances answer through their own property.
  async getSigningKey(kid) {
    if (this.#discovery) return this.#discovery.getSigningKey(kid);
    return this.#load(kid);
  }

  async getKeys() {
    if (this.#discovery) return (await this.#discovery.client()).getKeys();
    try {
      this.#chooseTransport();
      const answer = await this.#native.document(Date.now());
      this.#watch.look();
      if (answer.error) throw toError(answer.error);
      // The fetcher's own object, as jwks-rsa returns it.
      if (this.#fetched.body === answer.body && this.#fetched.res) return this.#fetched.res.keys;
      // An empty body reads as no keys, exactly as in jwks-rsa.
      const res = answer.body && JSON.parse(answer.body);
      return res.keys;
    } catch (/** @type {any} */ err) {
      log.logFailure(err, undefined, {});
      err.isEndpointUnavailable = true;
      throw err;
    }
  }

  async getSigningKeys() {
    if (this.#discovery) return (await this.#discovery.client()).getSigningKeys();
    this.#chooseTransport();
    const answer = await this.#native.signingKeys(Date.now());
    this.#watch.look();
    if (answer.error) throw toError(answer.error);
    return answer.keys.map(makeSigningKey);
  }

  /** Fetches now (joining a fetch in flight, within the rate limit) and resolves with the signing keys. */
  async reload() {
    if (this.#discovery) return (await this.#discovery.client()).reload();
    return this.#refresher.reload('reload');
  }

  /** reload() for start-up: the first lookup then finds the keys cached. */
  async warm() {
    if (this.#discovery) return (await this.#discovery.client()).warm();
    return this.#refresher.reload('warm');
  }

  /** Stops the background refresh; lookups keep working. */
  close() {
    if (this.#discovery) this.#discovery.current?.close();
    else this.#refresher.close();
  }

  /** `{ fresh, lastFetchAt, lastError, nextRefreshAt, keys }`: see README (Health). */
  health() {
    if (this.#discovery) return this.#discovery.current?.health() ?? describeHealth(undefined, undefined);
    return describeHealth(this.#native.health(), this.#refresher, Date.now());
  }

  /** Counters of this client (fetches, coalesced requests, cache hits...). */
  stats() {
    if (this.#discovery) return this.#discovery.stats();
    const { rateLimitRemaining, ...stats } = this.#native.stats();
    if (this.#memo !== undefined) stats.cacheHits += this.#memo.hits;
    // The shared store's counters appear only with `sharedCache`, and a set
    // read from the store is not a request to the endpoint.
    const shared = this.#native.sharedStats();
    if (shared) stats.fetches -= shared.sharedHits;
    return Object.assign(stats, shared);
  }
}

// The discovery of an `issuer`: its document is fetched by an uncached
// client of the discovery URL, with every transport option of the set.
// That client holds the issuer's one rate limiter and cooldown: each set
// client, whatever `jwks_uri` it serves, draws on them, and so does each
// fetch of the document that an unknown kid asks for, so a document naming
// one `jwks_uri` after another never buys a fresh budget. For the same reason a discovered set is not
// shared across threads (a shared core would bring its own limiter).
function discoveryOf(options) {
  const plain = { ...options, issuer: undefined };
  // Only key sets go to a sharedCache: the discovery document is fetched as is.
  const documentClient = (url) =>
    new JwksClient({ ...plain, jwksUri: url, getKeysInterceptor: undefined, cache: false, sharedCache: undefined });
  const setClient = (documents, jwksUri) => {
    nextGate = gateOf(documents);
    return new JwksClient({ ...plain, jwksUri, shareAcrossThreads: false });
  };
  const fetchDocument = (documents, charged) => documentBody(documents, charged && Boolean(options.rateLimit));
  return new Discovery(options, documentClient, setClient, fetchDocument);
}

module.exports = { JwksClient };
