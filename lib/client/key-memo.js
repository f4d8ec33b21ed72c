'use strict';

const { makeSigningKey } = require('./signing-key');

// jwks-rsa's memoizer (lru-memoizer over lru-cache), in front of the native
// core: `cacheMaxEntries` kids, each for `cacheMaxAge` from its load, every
// served lookup counting as a use. It answers a repeated lookup without
// crossing into native code, so recency lives here, where every hit is
// seen; a miss here is what jwks-rsa calls a load, and says so to the core,
// which owns everything else (expiry, stale keys, limits, refreshes): see
// docs/architecture.md.

// Bound when cacheMaxEntries is 0 (lru-cache then bounds by age alone).
const UNBOUNDED_LIMIT = 4096;
// Entries kept after they leave, as many as native keeps for the fallback,
// so that a stale key is the very object its last load handed out.
const RETIRED_LIMIT = 64;

class KeyMemo {
  constructor(maxEntries, maxAge) {
    /** kid -> { key, pem, expires, loadedAt, used, seenAt } */
    this.entries = new Map();
    this.retired = new Map();
    /** Recency stamps; also bumped by the hot path in client.js. */
    this.seq = 0;
    /** Lookups answered by the memo alone. */
    this.hits = 0;
    /** Bumped by each forget: an answer asked for before one is not memoized. */
    this.forgets = 0;
    /** The keys cachedSigningKeys() last handed out, by kid: lookups reuse them. */
    this.listed = new Map();
    this.max = maxEntries > 0 ? maxEntries : UNBOUNDED_LIMIT;
    // 0: no expiry, as a zero ttl in lru-cache.
    this.maxAge = maxAge;
  }

  /** When the kid was last served, if the memo remembers it. */
  seenAt(kid) {
    return (this.entries.get(kid) || this.retired.get(kid))?.seenAt;
  }

  /** Whether jwks-rsa's memoizer would miss `kid` at `now`; a hit there is a use. */
  isLoad(kid, now) {
    const entry = this.entries.get(kid);
    if (entry === undefined) return true;
    if (this.maxAge && now - entry.loadedAt > this.maxAge) {
      this.#retire(kid, entry);
      return true;
    }
    entry.used = ++this.seq;
    return false;
  }

  /** Records the core's answer and returns the key object: the same one while the key is unchanged. */
  answered(kid, answer, load, now) {
    let entry = this.entries.get(kid);
    if (entry === undefined) {
      const old = this.retired.get(kid);
      this.retired.delete(kid);
      const key = old !== undefined && old.pem === answer.key.pem ? old.key : this.keyFor(answer.key);
      entry = { key, pem: answer.key.pem, expires: 0, loadedAt: now, used: 0, seenAt: now };
      this.entries.set(kid, entry);
      load = true;
    } else if (entry.pem !== answer.key.pem) {
      entry.key = this.keyFor(answer.key);
      entry.pem = answer.key.pem;
    }
    if (load) {
      entry.loadedAt = now;
      entry.used = ++this.seq;
    }
    entry.seenAt = now;
    // Never past jwks-rsa's expiry of the kid: a lookup after it is a load there.
    entry.expires = Math.min(answer.expires, this.#loadExpiry(entry));
    if (this.entries.size > this.max) this.#evict();
    return entry.key;
  }

  /**
   * The key jwks-rsa's memoizer still answers with when a lookup that is not
   * a load fails for `err`; it then answers until that memoizer's expiry.
   */
  held(kid, err, now) {
    if (!err.isEndpointUnavailable && err.name !== 'JwksRateLimitError') return undefined;
    const entry = this.entries.get(kid);
    if (entry === undefined) return undefined;
    entry.seenAt = now;
    entry.expires = this.#loadExpiry(entry);
    return entry.key;
  }

  /** The key object for `data`: the one already handed out for its kid and PEM, if any. */
  keyFor(data) {
    const kid = data.kid ?? undefined;
    for (const map of [this.entries, this.retired, this.listed]) {
      const known = map.get(kid);
      if (known !== undefined && known.pem === data.pem) return known.key;
    }
    return makeSigningKey(data);
  }

  /** The key objects of the cached set's `data`, reused by later lookups. */
  list(data) {
    const keys = data.map((key) => this.keyFor(key));
    this.listed = new Map(data.map((key, i) => [key.kid ?? undefined, { key: keys[i], pem: key.pem }]));
    return keys;
  }

  /** Drops `kid` (every kid when `all`): its next lookup is a load. */
  drop(kid, all = false) {
    for (const map of [this.entries, this.retired, this.listed]) {
      if (all) map.clear();
      else map.delete(kid);
    }
  }

  /** client.forget(): drop() and, since it may be the forgotten key, memoize no answer asked for before. */
  forget(kid, all) {
    this.forgets++;
    this.drop(kid, all);
  }

  #loadExpiry(entry) {
    return this.maxAge ? entry.loadedAt + this.maxAge : Infinity;
  }

  // Drops the least recently used entry. O(entries), on loads only.
  #evict() {
    let oldest;
    let oldestUsed = Infinity;
    for (const [kid, entry] of this.entries) {
      if (entry.used < oldestUsed) [oldest, oldestUsed] = [kid, entry.used];
    }
    this.#retire(oldest, this.entries.get(oldest));
  }

  #retire(kid, entry) {
    this.entries.delete(kid);
    this.retired.delete(kid);
    this.retired.set(kid, entry);
    if (this.retired.size > RETIRED_LIMIT) this.retired.delete(this.retired.keys().next().value);
  }
}

module.exports = { KeyMemo };
