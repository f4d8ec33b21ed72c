'use strict';

const { binding, backend } = require('../loader/native');
const { makeSigningKey } = require('./signing-key');
const { KeyMemo } = require('./key-memo');
const { admitted } = require('./limiter-clock');
const { toError } = require('../native-errors');
const { nativeConfig } = require('../config/options');
const { ensureDefaultRoots } = require('../transport/roots');
const { ArgumentError } = require('../errors');
const { httpIntercepted } = require('../transport/node-fetch');
const sources = require('../transport/sources');
const { shareKey } = require('../share/threads');
const { sharedCacheConfig } = require('../share/shared-cache');
const log = require('../observe/client-log');
const { Refresher } = require('./refresher');
const { refreshSettings } = require('../config/refresh-options');
const { FetchWatch, publish, watched } = require('../observe/diagnostics');

// The client of one key set: the memo in front (key-memo.js) and the
// native core behind it, which owns the set's state. A lookup the memo
// cannot answer is one call to the core, which answers at once from its
// cache or with a promise of the answer after a fetch; the answer carries
// all the shim needs (key, expiry, stale flag, rate-limit wait, events).

// What the core needs to know about a kid: `undefined`/`null` ask for the
// only key; a non-string can never match but is still looked up.
// Template-literal conversion throws for a Symbol, as it does in jwks-rsa.
function kidArgs(kid) {
  if (kid === undefined || kid === null) return [undefined, true];
  if (typeof kid === 'string') return [kid, true];
  return [`${kid}`, false];
}

// A truthy callback that is not a function: the very TypeError
// util.callbackify throws for it in jwks-rsa.
function rejectCallback(cb) {
  require('util').callbackify(async () => {})(cb);
}

// util.callbackify's contract: the callback runs on a later tick, outside
// the promise, so an exception it throws is not swallowed.
function deliver(promise, cb) {
  if (typeof cb !== 'function') rejectCallback(cb);
  promise.then(
    (key) => process.nextTick(cb, null, key),
    (err) => process.nextTick(cb, err),
  );
}

// `selectByAlg` (lib/integrations/alg-fit.js): the set client each key came
// from, asked past the memo (jwks-rsa's, by kid) for the kid's key of an alg.
const madeBy = new WeakMap();

class KeySetClient {
  #native;
  #options;
  #owner;
  #memo;
  #inflight = new Map();
  #limited;
  #fallback;
  #fetched = {};
  // undefined: no choice; true/false: fetching through Node's http or not.
  #viaNode;
  #agentOnly = false;
  #https = false;
  #refresher;
  #watch;
  /** @type {{ revision: number, keys: any[] } | undefined} What cachedSigningKeys() last built. */
  #listed;

  /** `owner` is the JwksClient events name; `gate` the client whose rate limit this one draws on. */
  constructor(options, owner, gate) {
    this.#options = options;
    this.#owner = owner;
    const { config, deferredError } = nativeConfig(options);
    // sharedCache: fetches consult a store shared by the fleet first.
    const shared = sharedCacheConfig(options, config);
    const hooks = this.#hooks(config, deferredError);
    if (shared) {
      config.sharedCache = shared.parts;
      if (shared.store) hooks.store = shared.store;
    }
    const { ahead, every } = refreshSettings(options, config);
    config.refreshAheadMs = ahead;
    config.backgroundRefreshMs = every;
    this.#native = createNative(options, config, hooks, gate && gate.#native);
    this.#memo = config.cache ? new KeyMemo(config.cacheMaxEntries, config.cacheMaxAge) : undefined;
    this.#limited = config.rateLimit;
    this.#fallback = Boolean(config.cache && config.cacheMaxAgeFallback);
    this.#watch = new FetchWatch(owner, options.jwksUri);
    this.#refresher = new Refresher((trigger, over) => this.#refresh(trigger, over), every);
    this.#refresher.start(owner);
    this.lookup = this.#lookupFunction();
  }

  #hooks(config, deferredError) {
    const options = this.#options;
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

  /**
   * `getSigningKey(kid, cb?)`, an own property of the JwksClient as in
   * jwks-rsa. A memoized key is answered without crossing into native code.
   */
  #lookupFunction() {
    const memo = this.#memo;
    if (memo === undefined) return (kid, cb) => (cb ? deliver(this.#load(kid), cb) : this.#load(kid));
    const entries = memo.entries;
    const refresher = this.#refresher;
    return (kid, cb) => {
      const hit = entries.get(kid);
      const now = Date.now();
      if (hit !== undefined && hit.expires >= now) {
        if (now >= refresher.refreshAt) refresher.due();
        hit.used = ++memo.seq;
        hit.seenAt = now;
        memo.hits++;
        if (!cb) return Promise.resolve(hit.key);
        if (typeof cb !== 'function') rejectCallback(cb);
        process.nextTick(cb, null, hit.key);
        return undefined;
      }
      return cb ? deliver(this.#shared(kid), cb) : this.#shared(kid).then();
    };
  }

  // Concurrent misses for one kid share one native lookup, as jwks-rsa's
  // memoizer queues them: 1000 callers of one kid cost ~1 ms, not ~15.
  #shared(kid) {
    const inflight = this.#inflight;
    let pending = inflight.get(kid);
    if (pending === undefined) {
      // A forget() may have replaced it meanwhile.
      pending = this.#load(kid).finally(() => {
        if (inflight.get(kid) === pending) inflight.delete(kid);
      });
      inflight.set(kid, pending);
    }
    return pending;
  }

  async #load(kid) {
    const [text, matchable] = kidArgs(kid);
    const now = Date.now();
    const memo = this.#memo;
    const forgets = memo?.forgets;
    const load = memo === undefined || memo.isLoad(kid, now);
    const seenAt = memo === undefined ? undefined : memo.seenAt(kid);
    const native = this.#native;
    const watch = watched();
    let fetched = false;
    this.#chooseTransport();
    const answer = await admitted(
      (at, limiter) => {
        const answer = native.lookup({ kid: text, matchable, now: at, load, seenAt, limiter, watch });
        if (answer instanceof Promise) fetched = true;
        return answer;
      },
      now,
      this.#limited,
    );
    this.#refresher.moveTo(answer.refreshFrom);
    if (fetched) {
      this.#watch.saw(answer.event);
      log.logMiss(native, this.#options, kid, answer);
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
      log.logFailure(err, kid, this.#options);
      throw err;
    }
    // An answer asked for before a forget() may be the forgotten key: not memoized.
    const memoized = memo !== undefined && answer.cacheable && memo.forgets === forgets;
    const key = memoized ? memo.answered(kid, answer, load, Date.now()) : makeSigningKey(answer.key);
    if (answer.stale) this.#staleServed(toError(answer.stale), kid, key);
    madeBy.set(key, this);
    return key;
  }

  /** `{ key, expires }`: the key of `kid` that fits a token's `alg`, chosen by the core, and until when it may be reused. */
  async keyForAlg(kid, alg) {
    const [text, matchable] = kidArgs(kid);
    this.#chooseTransport();
    const ask = (now, limiter) => this.#native.lookup({ kid: text, matchable, now, load: false, limiter, alg });
    const answer = await admitted(ask, Date.now(), this.#limited);
    if (answer.error) throw toError(answer.error);
    return { key: makeSigningKey(answer.key), expires: answer.cacheable ? answer.expires : 0 };
  }

  #staleServed(err, kid, key) {
    log.logStale(err, kid);
    publish('stale', () => ({ client: this.#owner, jwksUri: this.#options.jwksUri, kid, error: err }));
    const onStale = this.#options.onStaleCacheFallback;
    if (onStale) onStale(err, kid, key);
  }

  /** A fetch of the set's URL, for the caller to read (getKeys, a discovery document). */
  async document(limited = false) {
    this.#chooseTransport();
    const native = this.#native;
    const watch = watched();
    const answer = await admitted((now, limiter) => native.document({ now, limiter, watch }), Date.now(), limited);
    this.#watch.saw(answer.event);
    if (answer.error) throw toError(answer.error);
    return answer.body;
  }

  async getKeys() {
    try {
      const body = await this.document();
      // The fetcher's own object, as jwks-rsa returns it.
      if (this.#fetched.body === body && this.#fetched.res) return this.#fetched.res.keys;
      // An empty body reads as no keys, exactly as in jwks-rsa.
      const res = body && JSON.parse(body);
      return res.keys;
    } catch (/** @type {any} */ err) {
      log.logFailure(err, undefined, {});
      err.isEndpointUnavailable = true;
      throw err;
    }
  }

  async getSigningKeys() {
    this.#chooseTransport();
    const answer = await this.#native.signingKeys({ now: Date.now(), watch: watched() });
    this.#watch.saw(answer.event);
    if (answer.error) throw toError(answer.error);
    return answer.keys.map(makeSigningKey);
  }

  /** `reload()` or `warm()`: the signing keys of a fetch made now (or joined). */
  async reload(trigger = 'reload') {
    const answer = await this.#refresher.run(trigger);
    return answer.keys.map(makeSigningKey);
  }

  // A refresh: the core decides whether it fetches; the memo is brought up
  // to the set then in use, and the refresh published once it serves it.
  async #refresh(trigger, over) {
    this.#chooseTransport();
    const memo = this.#memo;
    const kids = memo === undefined ? [] : [...memo.entries.keys()].filter((kid) => kid == null || typeof kid === 'string');
    const native = this.#native;
    const forgets = memo?.forgets;
    const fetch = { watch: watched() };
    const ask = (now, limiter) => native.refresh({ trigger, fetch: { ...fetch, now, limiter }, kids: kids.map((kid) => kid ?? null) });
    const answer = await admitted(ask, Date.now(), this.#limited);
    over();
    this.#watch.saw(answer.event);
    this.#refresher.moveTo(answer.refreshFrom);
    const error = answer.error ? toError(answer.error) : null;
    const now = Date.now();
    // Kids the set in use no longer lists go (the core dropped their stale keys too).
    answer.renewed.forEach((renewed, i) => {
      if (!renewed) memo.drop(kids[i]);
      else if (memo.forgets === forgets) memo.answered(kids[i], renewed, true, now);
    });
    const owner = this.#owner;
    publish('refresh', () => ({
      client: owner,
      jwksUri: this.#options.jwksUri,
      trigger,
      ok: error === null,
      keys: answer.kids.length,
      error,
    }));
    if (error !== null) throw error;
    return answer;
  }

  /** Forgets `kid`, or everything when undefined: see docs/cache-rules.md#forgetting-keys. */
  forget(kid) {
    const all = kid === undefined;
    if (all) this.#inflight.clear();
    else this.#inflight.delete(kid);
    this.#memo?.forget(kid, all);
    const [text, matchable] = kidArgs(kid);
    if (matchable) this.#native.forget(all, text);
  }

  /** The signing keys of the set in use, without a fetch; undefined when there is none. */
  cachedSigningKeys() {
    const memo = this.#memo;
    if (memo === undefined) return undefined;
    const held = this.#listed;
    const answer = this.#native.signingKeys({ now: Date.now(), cached: held ? held.revision : -1 });
    // Keys come only when the set changed since `held` was built.
    const listed = answer.keys ? { revision: answer.revision, keys: memo.list(answer.keys) } : held;
    this.#listed = answer.revision == null ? undefined : listed;
    return this.#listed?.keys.slice();
  }

  close() {
    this.#refresher.close();
  }

  health() {
    const { lastFetchAt, lastError, refreshFrom, fresh, keys } = this.#native.report(Date.now()).health;
    const timer = this.#refresher.nextRunAt;
    const nextRefreshAt = refreshFrom == null || timer === null ? (refreshFrom ?? timer) : Math.min(refreshFrom, timer);
    return { fresh, lastFetchAt: lastFetchAt ?? null, lastError: lastError ? toError(lastError) : null, nextRefreshAt, keys };
  }

  stats() {
    const { stats, shared } = this.#native.report(Date.now());
    if (this.#memo !== undefined) stats.cacheHits += this.#memo.hits;
    // A set read from the shared store is not a request to the endpoint.
    if (shared) stats.fetches -= shared.sharedHits;
    return Object.assign(stats, shared);
  }
}

function createNative(options, config, hooks, gate) {
  const share = shareKey(options, config, hooks);
  // The WebAssembly build has no TLS of its own: Node's https brings its
  // roots. A rediss:// shared cache trusts those default roots too.
  const redis = config.sharedCache && config.sharedCache.redis;
  if (backend === 'native' && ((config.uri && config.uri.https && !config.ca) || (redis && redis.tls))) ensureDefaultRoots(binding);
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

module.exports = { KeySetClient, deliver, rejectCallback, madeBy };
