'use strict';

const { KeySetClient } = require('./key-set-client');
const { IssuerClient } = require('./issuer-client');
const log = require('../observe/client-log');
const { DEFAULT_TIMEOUT_MS } = require('../config/constants');

// jwks-rsa's JwksClient, with its shape: the options it keeps, its methods
// on the prototype and `getSigningKey` as an own property too. Keys come
// from one key set (`jwksUri` or a `fetcher`: key-set-client.js) or
// from the set an `issuer` names (issuer-client.js); both answer the same
// interface, so every method here only forwards.
class JwksClient {
  #source;

  constructor(options) {
    if (options === undefined || options === null) {
      // jwks-rsa reads its cache options straight off the argument.
      throw new TypeError(`Cannot read properties of ${options} (reading 'cacheMaxEntries')`);
    }
    this.options = { rateLimit: false, cache: true, timeout: DEFAULT_TIMEOUT_MS, ...options };
    // `jwksUri` or a `fetcher` decide where keys come from, as in jwks-rsa.
    const { issuer, jwksUri, fetcher } = this.options;
    const discovered = issuer != null && !jwksUri && typeof fetcher !== 'function';
    this.#source = discovered
      ? new IssuerClient(this.options, (opts, gate) => new KeySetClient(opts, this, gate))
      : new KeySetClient(this.options, this);
    log.logConfiguration(this.options);
    // An own property, as in jwks-rsa, so that `promisify(client.getSigningKey)`
    // and destructuring keep working.
    this.getSigningKey = this.#source.lookup;
  }

  // jwks-rsa has it on the prototype too (stubbed there by test suites).
  async getSigningKey(kid) {
    return this.#source.lookup(kid);
  }

  async getKeys() {
    return this.#source.getKeys();
  }

  async getSigningKeys() {
    return this.#source.getSigningKeys();
  }

  /** Fetches now (joining a fetch in flight, within the rate limit) and resolves with the signing keys. */
  async reload() {
    return this.#source.reload('reload');
  }

  /** reload() for start-up: the first lookup then finds the keys cached. */
  async warm() {
    return this.#source.reload('warm');
  }

  /** Drops `kid` from the cache, or every key without one: the next lookup asks the endpoint. */
  forget(kid) {
    this.#source.forget(kid);
  }

  /** The signing keys of the cached set, without a fetch; undefined before the first fetch. */
  cachedSigningKeys() {
    return this.#source.cachedSigningKeys();
  }

  /** Stops the background refresh; lookups keep working. */
  close() {
    this.#source.close();
  }

  /** `{ fresh, lastFetchAt, lastError, nextRefreshAt, keys }`: see docs/observability.md. */
  health() {
    return this.#source.health();
  }

  /** Counters of this client (fetches, coalesced requests, cache hits...). */
  stats() {
    return this.#source.stats();
  }
}

module.exports = { JwksClient };
