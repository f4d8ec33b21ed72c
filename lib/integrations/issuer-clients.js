'use strict';

// The clients of a helper's issuers, at most `max` of them: when a new
// issuer would pass the bound, the least recently used one is dropped and
// closed (its background refresh stops; lookups already under way finish).
// `map` (issuer -> client, least recently used first) is what the helper
// exposes as `clients`.
class IssuerClients {
  #newest;

  constructor(max) {
    this.max = max;
    /** @type {Map<string, any>} */
    this.map = new Map();
  }

  /** The issuer's client, if kept, now the most recently used. */
  use(iss) {
    const client = this.map.get(iss);
    if (client !== undefined && this.#newest !== iss && this.max !== Infinity) {
      this.map.delete(iss);
      this.map.set(iss, client);
      this.#newest = iss;
    }
    return client;
  }

  /** Keeps `client` for `iss`, dropping the least recently used client past the bound. */
  add(iss, client) {
    this.map.set(iss, client);
    this.#newest = iss;
    if (this.map.size > this.max) {
      const oldest = /** @type {string} */ (this.map.keys().next().value);
      const dropped = this.map.get(oldest);
      this.map.delete(oldest);
      dropped.close();
    }
    return client;
  }
}

module.exports = { IssuerClients };
