//! The key cache: the latest key set, plus the keys already handed out.
//!
//! `jwks-rsa` memoizes one key per kid. Here the whole latest set answers
//! lookups while it is fresh (so ten kids cost one fetch, not ten), and the
//! keys already served are retained per kid, so that keys rotated out of the
//! set keep working until their own expiry and so that `cacheMaxAgeFallback`
//! serves at least the keys jwks-rsa would.
//!
//! What is decided here, and on what:
//!
//! - expiry: a key is fresh for `cacheMaxAge` from the fetch that last
//!   listed it (or from the interceptor's answer). The shim's memo reuses an
//!   answer until this expiry and never longer.
//! - retention of served keys: the kids most recently *loaded*, by the rule
//!   of jwks-rsa's stale store: a kid moves up when a load of it succeeds
//!   and when a failed load asks for its stale key. At least
//!   [`MIN_RETAINED`] of them are kept, more than jwks-rsa's
//!   `cacheMaxEntries`: a load that the fresh set answers here is a fetch
//!   in jwks-rsa, which fails if the endpoint has just gone down, so this
//!   store sees a few loads that jwks-rsa's does not, and each could push
//!   out a kid jwks-rsa still holds. With the slack, every kid jwks-rsa can
//!   serve stale is still here.
//!   Whether a lookup is a load (a miss of jwks-rsa's memoizer) is decided
//!   by the shim's memo, which sees every hit, and handed over with the
//!   lookup; hits never move a kid here, as they never reach jwks-rsa's
//!   stale store. Recency among memo hits, which decides `cacheMaxEntries`
//!   for the memo itself, is the memo's alone.
//! - stale eligibility: a retained kid, within `cacheMaxAge +
//!   cacheMaxAgeFallback` of its own last load, as in jwks-rsa. A later
//!   fetch that lists the kid refreshes its key and expiry, not its window:
//!   only a load does, and a load answered from the fresh set counts as a
//!   load at the time of the lookup, as jwks-rsa's fetch at that time would.
//!   jwks-rsa's memoizer then keeps a stale key it served for `cacheMaxAge`;
//!   its memoizer and the shim's memo can disagree on which lookups those
//!   were once more keys were served here, so a kid that was served within
//!   the last `cacheMaxAge` (the shim says when) is held up to `cacheMaxAge`
//!   past its window.
//! - forgetting: what `client.forget()` and refreshes drop, before the
//!   keys' own expiry (see `forget.rs`).

use std::collections::HashSet;
use std::num::NonZeroUsize;
use std::sync::Arc;

use lru::LruCache;

use crate::Millis;
use crate::error::Error;
use crate::keys::keyset::{KeySet, KidQuery, SigningKey};
use crate::state::option_rule;

/// The fewest kids retained for the stale fallback, whatever
/// `cacheMaxEntries` says (see the module documentation).
pub const MIN_RETAINED: usize = 64;

/// Cache settings, as the options of jwks-rsa define them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheConfig {
    /// `cacheMaxAge`: how long a fetched key stays fresh; `None` never expires.
    pub max_age: Option<Millis>,
    /// `cacheMaxEntries`: how many served keys are retained; 0 means no bound.
    pub max_entries: usize,
    /// `cacheMaxAgeFallback`: extra window in which a stale key may be served
    /// when the endpoint is unavailable.
    pub fallback: Option<Millis>,
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig {
            max_age: Some(option_rule::DEFAULT_CACHE_MAX_AGE_MS),
            max_entries: option_rule::DEFAULT_CACHE_MAX_ENTRIES,
            fallback: None,
        }
    }
}

/// A key the cache can answer with, and until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The key.
    pub key: Arc<SigningKey>,
    /// Last instant at which the answer is fresh; `None` means forever.
    pub fresh_until: Option<Millis>,
}

#[derive(Debug, Clone)]
struct Entry {
    key: Arc<SigningKey>,
    /// Start of the stale-fallback window: the kid's last load.
    stale_from: Millis,
    fresh_until: Option<Millis>,
}

#[derive(Debug)]
struct Current {
    set: Arc<KeySet>,
    fetched_at: Millis,
    fresh_until: Option<Millis>,
}

/// Cache state of one client. Not synchronized: the client holds it under a lock.
#[derive(Debug)]
pub struct KeyCache {
    config: CacheConfig,
    current: Option<Current>,
    /// Keys served, by kid (`None` for lookups without kid).
    retained: LruCache<Option<String>, Entry>,
    /// Kids the current set must not answer: forgotten since it was stored.
    forgotten: HashSet<Option<String>>,
    /// Bumped when the keys the current set answers change.
    revision: u64,
}

fn is_fresh(fresh_until: Option<Millis>, now: Millis) -> bool {
    fresh_until.is_none_or(|until| now <= until)
}

fn kid_of(query: &KidQuery) -> Option<Option<String>> {
    match query {
        KidQuery::Absent => Some(None),
        KidQuery::Kid(kid) => Some(Some(kid.clone())),
        KidQuery::Unmatchable(_) => None,
    }
}

impl KeyCache {
    /// An empty cache, retaining `cacheMaxEntries` kids but at least
    /// [`MIN_RETAINED`]; 0 means no bound.
    pub fn new(config: CacheConfig) -> Self {
        let capacity = match config.max_entries {
            0 => 0,
            n => n.max(MIN_RETAINED),
        };
        Self::with_capacity(config, capacity)
    }

    /// An empty cache retaining at most `capacity` kids (0: no bound).
    pub fn with_capacity(config: CacheConfig, capacity: usize) -> Self {
        // `LruCache::new` reserves room for `cap` entries up front; the cap
        // comes from an option (`cacheMaxEntries: 1e9`), so it only bounds.
        let mut retained = LruCache::unbounded();
        if let Some(cap) = NonZeroUsize::new(capacity) {
            retained.resize(cap);
        }
        KeyCache {
            config,
            current: None,
            retained,
            forgotten: HashSet::new(),
            revision: 0,
        }
    }

    fn fresh_until(&self, from: Millis) -> Option<Millis> {
        self.fresh_for(from, None)
    }

    /// `from` plus `lifetime`, the endpoint's (`respectCacheControl`,
    /// already clamped), or else `cacheMaxAge`.
    fn fresh_for(&self, from: Millis, lifetime: Option<Millis>) -> Option<Millis> {
        lifetime
            .or(self.config.max_age)
            .map(|age| from.saturating_add(age))
    }

    /// Answers a lookup from fresh data, or `None` on a miss. `load` says
    /// whether the lookup is a load (a miss of jwks-rsa's memoizer): a load
    /// the current set answers moves the kid up, as a successful fetch
    /// would in jwks-rsa.
    ///
    /// A fresh set with several keys answers a lookup without kid with the
    /// same error a fetch would produce.
    pub fn lookup(
        &mut self,
        query: &KidQuery,
        now: Millis,
        load: bool,
    ) -> Option<Result<Hit, Error>> {
        let slot = kid_of(query)?;
        let forgotten = self.forgotten.contains(&slot);
        if let Some(current) = self
            .current
            .as_ref()
            .filter(|c| is_fresh(c.fresh_until, now) && !forgotten)
        {
            let fresh_until = current.fresh_until;
            match current.set.select(query) {
                Ok(key) => {
                    let key = Arc::clone(key);
                    if load {
                        self.retain(slot, &key, now, fresh_until);
                    }
                    return Some(Ok(Hit { key, fresh_until }));
                }
                Err(err) if *query == KidQuery::Absent => return Some(Err(err)),
                Err(_) => {}
            }
        }
        // A key no longer listed: jwks-rsa's load would not find it, so
        // answering it moves nothing.
        let entry = self.retained.peek(&slot)?;
        is_fresh(entry.fresh_until, now).then(|| {
            Ok(Hit {
                key: Arc::clone(&entry.key),
                fresh_until: entry.fresh_until,
            })
        })
    }

    fn retain(
        &mut self,
        slot: Option<String>,
        key: &Arc<SigningKey>,
        stale_from: Millis,
        fresh_until: Option<Millis>,
    ) {
        self.retained.put(
            slot,
            Entry {
                key: Arc::clone(key),
                stale_from,
                fresh_until,
            },
        );
    }

    /// Makes a freshly fetched set the current one.
    pub fn store_set(&mut self, set: Arc<KeySet>, fetched_at: Millis) {
        self.store_set_for(set, fetched_at, None);
    }

    /// Makes a freshly fetched (or revalidated) set the current one, fresh
    /// for `lifetime` when the endpoint chose it, else for `cacheMaxAge`.
    pub fn store_set_for(
        &mut self,
        set: Arc<KeySet>,
        fetched_at: Millis,
        lifetime: Option<Millis>,
    ) {
        let fresh_until = self.fresh_for(fetched_at, lifetime);
        let same = self
            .current
            .as_ref()
            .is_some_and(|c| Arc::ptr_eq(&c.set, &set));
        if !same || !self.forgotten.is_empty() {
            self.revision += 1;
        }
        // A set stored after a forget lists what the endpoint says again.
        self.forgotten.clear();
        // Retained keys the endpoint still lists are confirmed again; their
        // order and their stale windows are left as they are.
        for (slot, entry) in self.retained.iter_mut() {
            if let Some(key) = slot.as_deref().and_then(|kid| set.find(kid)) {
                entry.key = Arc::clone(key);
                entry.fresh_until = fresh_until;
            }
        }
        self.current = Some(Current {
            set,
            fetched_at,
            fresh_until,
        });
    }

    /// Records the key that answered a lookup (from a fetched set or a
    /// `getKeysInterceptor`), as confirmed at `confirmed_at`, and returns it
    /// with its expiry. `loaded_at` is the time of the lookup when it is a
    /// load: the kid then moves up and its stale window restarts; otherwise
    /// only the key and expiry of a kid already retained are updated.
    pub fn store_key(
        &mut self,
        query: &KidQuery,
        key: Arc<SigningKey>,
        confirmed_at: Millis,
        loaded_at: Option<Millis>,
    ) -> Hit {
        self.store_key_for(query, key, confirmed_at, loaded_at, None)
    }

    /// [`KeyCache::store_key`] for a key fresh for `lifetime` when the
    /// endpoint chose it (`respectCacheControl`), else for `cacheMaxAge`.
    pub fn store_key_for(
        &mut self,
        query: &KidQuery,
        key: Arc<SigningKey>,
        confirmed_at: Millis,
        loaded_at: Option<Millis>,
        lifetime: Option<Millis>,
    ) -> Hit {
        let fresh_until = self.fresh_for(confirmed_at, lifetime);
        if let Some(slot) = kid_of(query) {
            match loaded_at {
                Some(at) => self.retain(slot, &key, at, fresh_until),
                None => {
                    if let Some(entry) = self.retained.peek_mut(&slot) {
                        entry.key = Arc::clone(&key);
                        entry.fresh_until = fresh_until;
                    }
                }
            }
        }
        Hit { key, fresh_until }
    }

    /// A stale key for a load whose fetch failed, if `cacheMaxAgeFallback`
    /// allows one. Asking moves the kid up, in or out of its window, as
    /// jwks-rsa's stale store does. The key is then fresh again for
    /// `cacheMaxAge`, as the memoizer of jwks-rsa makes it.
    ///
    /// `seen_at` is when the kid was last served. A stale key served at
    /// that time may be held by jwks-rsa's memoizer for `cacheMaxAge`, past
    /// the window; so it is here, within `cacheMaxAge` of the window's end.
    pub fn stale(&mut self, query: &KidQuery, now: Millis, seen_at: Option<Millis>) -> Option<Hit> {
        let max_age = self.config.max_age?;
        let window = max_age.saturating_add(self.config.fallback?);
        let fresh_until = self.fresh_until(now);
        let entry = self.retained.get_mut(&kid_of(query)?)?;
        let age = now.saturating_sub(entry.stale_from);
        let held = seen_at.is_some_and(|at| now.saturating_sub(at) <= max_age)
            && age < window.saturating_add(max_age);
        if age >= window && !held {
            return None;
        }
        entry.fresh_until = fresh_until;
        Some(Hit {
            key: Arc::clone(&entry.key),
            fresh_until,
        })
    }

    /// When the current set was fetched.
    pub fn fetched_at(&self) -> Option<Millis> {
        self.current.as_ref().map(|c| c.fetched_at)
    }

    /// When the current set was fetched, and until when it is fresh
    /// (`None`: for ever).
    pub fn current_set(&self) -> Option<(Millis, Option<Millis>)> {
        self.current.as_ref().map(|c| (c.fetched_at, c.fresh_until))
    }

    /// Number of keys retained per kid.
    pub fn retained_len(&self) -> usize {
        self.retained.len()
    }
}

mod forget;
#[cfg(test)]
mod tests;
