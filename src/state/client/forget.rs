//! `client.forget()` and `client.cachedSigningKeys()` on the core: what
//! is dropped, and the set in use without a fetch (the rules are in
//! `state::cache::forget`).
//!
//! A fetch or lookup under way when `forget()` is called may bring the
//! forgotten key back: its request can predate the provider's removal. So
//! a forget lets the fetch in flight go (later lookups start their own
//! rather than join it), and anything begun before it stores nothing: the
//! old fetch's set is not made current, and a lookup waiting on it gets
//! its key for that lookup only.

use std::sync::Arc;

use super::Client;
use crate::keys::keyset::{KidQuery, SigningKey};

/// The signing keys of the set in use, as `cachedSigningKeys()` reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedKeys {
    /// Changes whenever the keys may have; `None`: no set in use.
    pub revision: Option<u64>,
    /// The keys, unless the caller already holds this revision's.
    pub keys: Option<Vec<Arc<SigningKey>>>,
}

impl Client {
    /// Forgets the kid of `query`, or everything for `None`: then even the
    /// unknown-kid cooldown is lifted, so that the next lookup fetches.
    pub fn forget(&self, query: Option<&KidQuery>) {
        let mut state = self.state.lock();
        state.epoch += 1;
        state.inflight = None;
        if let Some(cache) = state.cache.as_mut() {
            cache.forget(query);
        }
        if query.is_none() {
            self.gate.lock().set_fetched_at = None;
        }
    }

    /// The keys of the set in use, unless the caller holds revision `known`.
    pub fn cached_keys(&self, known: Option<u64>) -> CachedKeys {
        let state = self.state.lock();
        let Some(cache) = state.cache.as_ref().filter(|c| c.current_set().is_some()) else {
            return CachedKeys {
                revision: None,
                keys: None,
            };
        };
        let revision = cache.revision();
        CachedKeys {
            revision: Some(revision),
            keys: (known != Some(revision)).then(|| cache.current_keys().unwrap_or_default()),
        }
    }

    /// After a successful refresh: the kids the set in use no longer lists
    /// are not served again, from the cache or the stale fallback.
    pub(super) fn prune_unlisted(&self) {
        if let Some(cache) = self.state.lock().cache.as_mut() {
            cache.prune_unlisted();
        }
    }
}

#[cfg(test)]
mod tests;
