'use strict';

const { ArgumentError, JwksError, shown } = require('../errors');
const { logger } = require('../observe/client-log');
const { nativeConfig } = require('../config/options');
const { sharedCacheConfig } = require('../share/shared-cache');
const { DEFAULT_CACHE_MAX_AGE_MS } = require('../config/constants');
const { deliver } = require('./key-set-client');

// OpenID Connect Discovery 1.0 for `issuer` (without `jwksUri`).
//
// Rule: the discovery document is fetched by the first lookup and joined by
// every concurrent one; its `jwks_uri` serves lookups for `cacheMaxAge`
// (forever when 0); it is fetched again when it expires, and when a kid is
// missing from a set that was fetched after the document was (the provider
// may have moved its keys), never more often than the set itself is fetched.
//
// Why this shape: a client for a discovered `jwks_uri` is an ordinary
// client of that URI, so every rule of the set (cache, stale fallback, rate
// limit, hooks) holds unchanged; the document is fetched by an ordinary,
// uncached client of the discovery URL, so it travels exactly as the set
// does (native or Node's http, nock, proxy, TLS, agent, timeout, size cap).

const WELL_KNOWN = '/.well-known/openid-configuration';
// A discovery that failed with no set to fall back on is answered from
// memory for this long: an issuer down at start costs one request per
// window, not one per lookup.
const FAILED_DISCOVERY_MEMORY_MS = 5000;

/**
 * The discovery URL of `issuer` (§4: a terminating `/` is removed before
 * the well-known path is appended). Throws `ArgumentError` for an issuer
 * that is not an http(s) URL without query or fragment (§2), an empty one
 * (`https://t.example/?`, `#`) included, which URL does not report.
 */
function discoveryUrl(issuer) {
  let url;
  try {
    url = typeof issuer === 'string' ? new URL(issuer) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || /[?#]/.test(issuer)) {
    throw new ArgumentError(`The issuer must be an http: or https: URL without query or fragment, got ${shown(issuer)}`);
  }
  return issuer.replace(/\/$/, '') + WELL_KNOWN;
}

/**
 * The `jwks_uri` a discovery document gives, checked against the issuer
 * (§4.3: its `issuer` must be identical; `jwks_uri` must be https unless the
 * issuer itself is http). Throws `JwksError` naming what is wrong.
 */
function jwksUriOf(body, issuer, url) {
  const fail = (what) => new JwksError(`The OpenID Connect discovery document at ${url} ${what}`);
  let doc;
  try {
    doc = JSON.parse(body);
  } catch {
    throw fail('is not JSON');
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw fail('is not a JSON object');
  if (doc.issuer !== issuer) throw fail(`names the issuer ${shown(doc.issuer)}, not ${shown(issuer)}`);
  const jwksUri = doc.jwks_uri;
  if (typeof jwksUri !== 'string' || jwksUri === '') throw fail('has no jwks_uri');
  let parsed;
  try {
    parsed = new URL(jwksUri);
  } catch {
    throw fail(`has a jwks_uri that is not a URL: ${shown(jwksUri)}`);
  }
  const httpAllowed = new URL(issuer).protocol === 'http:';
  if (parsed.protocol !== 'https:' && !(httpAllowed && parsed.protocol === 'http:')) {
    throw fail(`has a jwks_uri that is not https: ${shown(jwksUri)}`);
  }
  return jwksUri;
}

// A failed fetch of the document: HTTP statuses and the size cap say it was
// the discovery document; connection errors pass unchanged, as a set
// fetch's do, so code that reads their `code` keeps working.
function fetchError(err, url) {
  if (!err || err.name !== 'JwksError') return err;
  const cap = /exceeded the limit of (\d+) bytes/.exec(err.message);
  const what = cap ? `exceeded the limit of ${cap[1]} bytes` : `could not be fetched: ${err.message}`;
  return new JwksError(`The OpenID Connect discovery document at ${url} ${what}`);
}

/**
 * The key source of a client configured with `issuer`: the interface of a
 * KeySetClient, over the client of the `jwks_uri` last discovered.
 */
class IssuerClient {
  #issuer;
  #url;
  #maxAge;
  #rateLimit;
  #documents;
  #newSetClient;
  #set;
  #setUri;
  #expires = 0;
  #inflight;
  // The failure of the last discovery while there was no set, and until when it answers.
  #failure;
  #failedUntil = 0;
  // The set client's fetch count when the document last came in: a missing
  // kid asks for the document again only once the set was fetched since.
  #fetchesAtDocument = 0;

  /**
   * `newSetClient(options, gate)` makes a KeySetClient that draws on the
   * rate limit of `gate` (without: its own). The document is fetched by an
   * uncached client of the discovery URL with every transport option of
   * the set, so it travels as the set does; that client holds the issuer's
   * one rate limiter and cooldown, which every set client draws on,
   * whatever `jwks_uri` it serves, so a document naming one `jwks_uri`
   * after another never buys a fresh budget. For the same reason a
   * discovered set is not shared across threads.
   */
  constructor(options, newSetClient) {
    this.#issuer = options.issuer;
    this.#url = discoveryUrl(options.issuer);
    const { cacheMaxAge = DEFAULT_CACHE_MAX_AGE_MS } = options;
    this.#maxAge = cacheMaxAge || 0;
    this.#rateLimit = Boolean(options.rateLimit);
    const plain = { ...options, issuer: undefined };
    // The set's sharedCache is checked now, under the discovery URL's name.
    const named = { ...plain, jwksUri: this.#url };
    sharedCacheConfig(named, nativeConfig(named).config);
    // Only key sets go to a sharedCache: the document is fetched as is.
    const documents = newSetClient({ ...named, getKeysInterceptor: undefined, cache: false, sharedCache: undefined });
    this.#documents = documents;
    this.#newSetClient = (jwksUri) => newSetClient({ ...plain, jwksUri, shareAcrossThreads: false }, documents);
  }

  /** `getSigningKey(kid, cb?)`, asking for the document again after a missing kid. */
  lookup = (kid, cb) => (cb ? deliver(this.#signingKey(kid), cb) : this.#signingKey(kid));

  // Not an async function: a cached key costs one promise more than with
  // `jwksUri`, where an async frame with an await cost ~1 us more.
  #signingKey(kid) {
    const lookUp = (set) => set.lookup(kid).catch((err) => this.#afterMiss(err, set, kid));
    return this.#fresh(Date.now()) ? lookUp(this.#set) : this.#discover().then(lookUp);
  }

  async getKeys() {
    return (await this.#client()).getKeys();
  }

  async getSigningKeys() {
    return (await this.#client()).getSigningKeys();
  }

  async reload(trigger) {
    return (await this.#client()).reload(trigger);
  }

  /** forget() of the current set; forgetting everything also makes the next lookup discover again. */
  forget(kid) {
    if (kid === undefined) this.#expires = 0;
    this.#set?.forget(kid);
  }

  cachedSigningKeys() {
    return this.#set?.cachedSigningKeys();
  }

  close() {
    this.#set?.close();
  }

  health() {
    return this.#set?.health() ?? { fresh: false, lastFetchAt: null, lastError: null, nextRefreshAt: null, keys: 0 };
  }

  /** The current set client's counters (zero before the first discovery), and `discoveryFetches`. */
  stats() {
    const documents = this.#documents.stats();
    const stats = this.#set ? this.#set.stats() : Object.fromEntries(Object.keys(documents).map((name) => [name, 0]));
    stats.discoveryFetches = documents.fetches;
    return stats;
  }

  #fresh(now) {
    return this.#set !== undefined && (this.#maxAge === 0 || now < this.#expires);
  }

  /** The client of the current `jwks_uri`, discovering it first if needed. */
  async #client() {
    return this.#fresh(Date.now()) ? this.#set : this.#discover();
  }

  // One fetch of the document at a time. A failed refresh keeps the last
  // good `jwks_uri` (tried again after another `cacheMaxAge`); with none,
  // the lookup fails, and so does every lookup for the next
  // FAILED_DISCOVERY_MEMORY_MS, with the same error and no request.
  // `charged`: asked for by an unknown kid, so charged to the rate limit
  // that the set fetch before it was charged to (refused: nothing changes).
  #discover(charged = false) {
    if (this.#failure !== undefined && Date.now() < this.#failedUntil) return Promise.reject(this.#failure);
    if (this.#inflight === undefined) {
      this.#inflight = this.#documents
        .document(charged && this.#rateLimit)
        .then(
          (body) => this.#adopt(jwksUriOf(body, this.#issuer, this.#url)),
          (err) => {
            throw fetchError(err, this.#url);
          },
        )
        .catch((err) => this.#failed(err))
        .finally(() => {
          this.#inflight = undefined;
        });
    }
    return this.#inflight;
  }

  #failed(err) {
    if (this.#set === undefined) {
      this.#failure = err;
      this.#failedUntil = Date.now() + FAILED_DISCOVERY_MEMORY_MS;
      throw err;
    }
    if (err.name === 'JwksRateLimitError') throw err;
    if (logger.enabled) logger(`Keeping '${this.#setUri}' after a failed discovery:`, err);
    this.#expires = Date.now() + this.#maxAge;
    return this.#set;
  }

  #adopt(jwksUri) {
    this.#failure = undefined;
    if (jwksUri !== this.#setUri) {
      if (logger.enabled) logger(`Discovered '${jwksUri}' at '${this.#url}'`);
      this.#set = this.#newSetClient(jwksUri);
      this.#setUri = jwksUri;
    }
    this.#fetchesAtDocument = this.#set.stats().fetches;
    this.#expires = Date.now() + this.#maxAge;
    return this.#set;
  }

  async #afterMiss(err, set, kid) {
    const moved = await this.#movedAfterMiss(err, set);
    if (moved === undefined) throw err;
    return moved.lookup(kid);
  }

  // The client of a new `jwks_uri` when `err` is a missing kid in a set
  // fetched since the document was, and the document now names another set
  // (or already did, when another lookup followed it meanwhile).
  async #movedAfterMiss(err, set) {
    if (!err || err.name !== 'SigningKeyNotFoundError') return undefined;
    if (set !== this.#set) return this.#set;
    if (this.#inflight === undefined && set.stats().fetches <= this.#fetchesAtDocument) return undefined;
    let next;
    try {
      next = await this.#discover(true);
    } catch {
      return undefined;
    }
    return next === set ? undefined : next;
  }
}

module.exports = { IssuerClient, FAILED_DISCOVERY_MEMORY_MS, discoveryUrl, jwksUriOf };
