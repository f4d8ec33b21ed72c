'use strict';

const { makeSigningKey } = require('./signing-key');

// The memo in front of the native cache. It answers a repeated lookup
// without crossing into native code, and it plays the part of jwks-rsa's
// memoizer (lru-memoizer over lru-cache): `cacheMaxEntries` kids, each for
// `cacheMaxAge` from its load, every served lookup counting as a use.
//
// Who decides what (src/client.rs and src/cache.rs say the same):
// - Expiry of an answer: native. An entry answers until `expires`, the
//   expiry native gave with the key (cacheMaxAge from the fetch that last
//   listed it), never longer, and never past the kid's load plus
//   cacheMaxAge (jwks-rsa's expiry, after which a lookup is a load).
// - Recency and retention for cacheMaxEntries: here, where every hit is
//   seen. A hit stamps its entry from a counter and with its time (two
//   stores on the hot path); when a load needs room, the entry with the
//   oldest stamp goes, as lru-cache's least recently used does.
// - Whether a lookup is a load (a miss of jwks-rsa's memoizer): here, from
//   that recency and from `loadedAt + cacheMaxAge`, jwks-rsa's expiry of the
//   kid. It goes to native with the lookup; native's stale store moves on
//   loads and failed loads only, as jwks-rsa's does.
// - Stale eligibility: native, for loads. A lookup that is not a load is
//   one jwks-rsa's memoizer answers; when the endpoint or the rate limit
//   fails it here, the memo answers it too, until jwks-rsa's expiry of the
//   kid (reported to onStaleCacheFallback when the fallback is on: the key
//   is past the expiry native gave it). With each lookup past the memo goes
//   the time the kid was last served (`seenAt`): jwks-rsa's memoizer keeps
//   a stale key it served for cacheMaxAge, and native, which decides, holds
//   a stale key as long (see src/cache.rs).

// Bound when cacheMaxEntries is 0 (lru-cache then bounds by age alone).
const UNBOUNDED_LIMIT = 4096;
// Entries kept after they leave, as many as native keeps for the fallback.
const RETIRED_LIMIT = 64;

class KeyMemo {
  constructor(maxEntries, maxAge) {
    /** kid -> { key, pem, expires, loadedAt, used, seenAt } */
    this.entries = new Map();
    // Entries that left (expired or least recently used), so that a stale
    // key is the very object its last load handed out, as in jwks-rsa.
    this.retired = new Map();
    /** Recency stamps; also bumped by the hot path in client.js. */
    this.seq = 0;
    /** Lookups answered by the memo alone. */
    this.hits = 0;
    this.max = maxEntries > 0 ? maxEntries : UNBOUNDED_LIMIT;
    // 0: no expiry, as a zero ttl in lru-cache.
    this.maxAge = maxAge;
  }

  // When the kid was last served, if the memo remembers it.
  seenAt(kid) {
    const entry = this.entries.get(kid) || this.retired.get(kid);
    return entry === undefined ? undefined : entry.seenAt;
  }

  // For a lookup the memo did not answer: whether jwks-rsa's memoizer would
  // miss it. A memoizer hit is a use; a kid past its expiry is dropped, as
  // lru-cache drops it when asked.
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

  // Records native's answer to a lookup and returns the key object to hand
  // out: the same object as before while the key is unchanged.
  answered(kid, answer, load, now) {
    const entry = this.entries.get(kid);
    if (entry !== undefined) {
      if (entry.pem !== answer.key.pem) {
        entry.key = makeSigningKey(answer.key);
        entry.pem = answer.key.pem;
      }
      if (load) this.#loaded(entry, now);
      entry.seenAt = now;
      entry.expires = this.#expiry(entry, answer);
      return entry.key;
    }
    const old = this.retired.get(kid);
    this.retired.delete(kid);
    const key = old !== undefined && old.pem === answer.key.pem ? old.key : makeSigningKey(answer.key);
    const added = { key, pem: answer.key.pem, expires: 0, loadedAt: now, used: 0, seenAt: now };
    this.#loaded(added, now);
    added.expires = this.#expiry(added, answer);
    this.entries.set(kid, added);
    if (this.entries.size > this.max) this.#evict();
    return key;
  }

  // The key jwks-rsa's memoizer would still answer with when a lookup that
  // is not a load fails for `err`, or undefined. It then answers until that
  // memoizer's expiry of the kid, without asking again.
  held(kid, err, now) {
    if (!err.isEndpointUnavailable && err.name !== 'JwksRateLimitError') return undefined;
    const entry = this.entries.get(kid);
    if (entry === undefined) return undefined;
    entry.seenAt = now;
    entry.expires = this.#loadExpiry(entry);
    return entry.key;
  }

  // Native's expiry, but never past jwks-rsa's expiry of the kid: a lookup
  // after that is a load there, and must be one here.
  #expiry(entry, answer) {
    return Math.min(answer.expires, this.#loadExpiry(entry));
  }

  #loadExpiry(entry) {
    return this.maxAge ? entry.loadedAt + this.maxAge : Infinity;
  }

  #loaded(entry, now) {
    entry.loadedAt = now;
    entry.used = ++this.seq;
  }

  // Drops the least recently used entry. O(entries), on loads only.
  #evict() {
    let oldest;
    let oldestUsed = Infinity;
    for (const [kid, entry] of this.entries) {
      if (entry.used < oldestUsed) {
        oldest = kid;
        oldestUsed = entry.used;
      }
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
