//! The key cache: the latest key set, plus the keys already handed out.
//!
//! `jwks-rsa` memoizes one key per kid. Here the whole latest set answers
//! lookups while it is fresh (so ten kids cost one fetch, not ten), and the
//! keys already served are retained per kid, as jwks-rsa does, so that keys
//! rotated out of the set keep working until their own expiry and so that
//! `cacheMaxAgeFallback` serves exactly the keys jwks-rsa would.

use std::num::NonZeroUsize;
use std::sync::Arc;

use lru::LruCache;

use crate::error::Error;
use crate::keyset::{KeySet, KidQuery, SigningKey};

/// Milliseconds on the caller's clock.
pub type Millis = u64;

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
            max_age: Some(600_000),
            max_entries: 5,
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
    /// When the endpoint last confirmed this key.
    confirmed_at: Millis,
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
    /// An empty cache.
    pub fn new(config: CacheConfig) -> Self {
        // `LruCache::new` reserves room for `cap` entries up front; the cap
        // comes from an option (`cacheMaxEntries: 1e9`), so it only bounds.
        let mut retained = LruCache::unbounded();
        if let Some(cap) = NonZeroUsize::new(config.max_entries) {
            retained.resize(cap);
        }
        KeyCache {
            config,
            current: None,
            retained,
        }
    }

    fn fresh_until(&self, from: Millis) -> Option<Millis> {
        self.config.max_age.map(|age| from.saturating_add(age))
    }

    /// Answers a lookup from fresh data, or `None` on a miss.
    ///
    /// A fresh set with several keys answers a lookup without kid with the
    /// same error a fetch would produce.
    pub fn lookup(&mut self, query: &KidQuery, now: Millis) -> Option<Result<Hit, Error>> {
        let slot = kid_of(query)?;
        if let Some(current) = self
            .current
            .as_ref()
            .filter(|c| is_fresh(c.fresh_until, now))
        {
            let (fetched_at, fresh_until) = (current.fetched_at, current.fresh_until);
            match current.set.select(query) {
                Ok(key) => {
                    let key = Arc::clone(key);
                    self.retain(slot, &key, fetched_at, fresh_until);
                    return Some(Ok(Hit { key, fresh_until }));
                }
                Err(err) if *query == KidQuery::Absent => return Some(Err(err)),
                Err(_) => {}
            }
        }
        let entry = self.retained.get(&slot)?;
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
        confirmed_at: Millis,
        fresh_until: Option<Millis>,
    ) {
        self.retained.put(
            slot,
            Entry {
                key: Arc::clone(key),
                confirmed_at,
                fresh_until,
            },
        );
    }

    /// Makes a freshly fetched set the current one.
    pub fn store_set(&mut self, set: Arc<KeySet>, fetched_at: Millis) {
        let fresh_until = self.fresh_until(fetched_at);
        // Retained keys the endpoint still lists are confirmed again.
        for (slot, entry) in self.retained.iter_mut() {
            if let Some(key) = slot.as_deref().and_then(|kid| set.find(kid)) {
                *entry = Entry {
                    key: Arc::clone(key),
                    confirmed_at: fetched_at,
                    fresh_until,
                };
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
    /// with its expiry.
    pub fn store_key(
        &mut self,
        query: &KidQuery,
        key: Arc<SigningKey>,
        confirmed_at: Millis,
    ) -> Hit {
        let fresh_until = self.fresh_until(confirmed_at);
        if let Some(slot) = kid_of(query) {
            self.retain(slot, &key, confirmed_at, fresh_until);
        }
        Hit { key, fresh_until }
    }

    /// A stale key for a lookup whose fetch failed, if `cacheMaxAgeFallback`
    /// allows one. The key is then fresh again for `cacheMaxAge`, as the
    /// memoizer of jwks-rsa makes it.
    pub fn stale(&mut self, query: &KidQuery, now: Millis) -> Option<Hit> {
        let window = self.config.max_age?.saturating_add(self.config.fallback?);
        let fresh_until = self.fresh_until(now);
        let entry = self.retained.get_mut(&kid_of(query)?)?;
        if now.saturating_sub(entry.confirmed_at) >= window {
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

    /// Number of keys retained per kid.
    pub fn retained_len(&self) -> usize {
        self.retained.len()
    }
}

#[cfg(test)]
mod tests;
