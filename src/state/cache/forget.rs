//! What the cache drops before its keys' own expiry, and the set in use as
//! a list.
//!
//! jwks-rsa serves a kid removed from the set until its own expiry (and
//! past it with `cacheMaxAgeFallback`). That stays the rule for lookups;
//! two calls of this package's own drop earlier, for the incident where a
//! provider pulls a compromised key:
//!
//! - `client.forget(kid)`: the kid's retained key goes, and the set in use
//!   stops answering it until a newer set is stored (which lists it again
//!   only if the endpoint still does). `client.forget()` drops the set in
//!   use and every retained key: the next lookup fetches.
//! - a successful refresh (`reload()`, `backgroundRefresh`, `refreshAhead`):
//!   retained kids the set in use no longer answers are dropped, so neither
//!   a lookup nor the stale fallback serves them again.

use std::sync::Arc;

use super::{KeyCache, kid_of};
use crate::keys::keyset::{KeySet, KidQuery, SigningKey};

impl KeyCache {
    /// Forgets the kid of `query`, or everything for `None`.
    pub fn forget(&mut self, query: Option<&KidQuery>) {
        self.revision += 1;
        let Some(query) = query else {
            self.retained.clear();
            self.forgotten.clear();
            self.current = None;
            return;
        };
        // An unmatchable kid is never kept: nothing to forget.
        if let Some(slot) = kid_of(query) {
            self.retained.pop(&slot);
            self.forgotten.insert(slot);
        }
    }

    /// Drops the retained kids the set in use does not answer.
    pub fn prune_unlisted(&mut self) {
        let Some(current) = &self.current else {
            return;
        };
        let gone: Vec<Option<String>> = self
            .retained
            .iter()
            .filter(|(slot, _)| !answers(&current.set, slot))
            .map(|(slot, _)| slot.clone())
            .collect();
        for slot in gone {
            self.retained.pop(&slot);
        }
    }

    /// The signing keys of the set in use, less the forgotten kids, in the
    /// set's order; `None` before the first set or after forgetting it.
    pub fn current_keys(&self) -> Option<Vec<Arc<SigningKey>>> {
        let current = self.current.as_ref()?;
        let keys = current.set.keys().iter();
        Some(
            keys.filter(|key| !self.forgotten.contains(&key.kid))
                .cloned()
                .collect(),
        )
    }

    /// Changes whenever the keys of [`KeyCache::current_keys`] may have.
    pub fn revision(&self) -> u64 {
        self.revision
    }
}

/// Whether `set` answers a lookup of `slot` (`None`: a lookup without kid).
fn answers(set: &KeySet, slot: &Option<String>) -> bool {
    match slot {
        Some(kid) => set.find(kid).is_some(),
        None => set.select(&KidQuery::Absent).is_ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{config, kid, set};
    use super::*;

    #[test]
    fn a_forgotten_kid_is_a_miss_until_a_newer_set_is_stored() {
        let mut cache = KeyCache::new(config(1000, 5, Some(10_000)));
        cache.store_set(set(&["a", "b"]), 0);
        assert!(cache.lookup(&kid("a"), 10, true).is_some());
        cache.forget(Some(&kid("a")));
        assert!(cache.lookup(&kid("a"), 20, true).is_none());
        assert!(cache.stale(&kid("a"), 2000, Some(10)).is_none());
        assert!(cache.lookup(&kid("b"), 20, true).is_some());
        let listed: Vec<_> = cache
            .current_keys()
            .expect("set")
            .iter()
            .map(|k| k.kid.clone())
            .collect();
        assert_eq!(listed, [Some("b".to_owned())]);
        cache.store_set(set(&["a", "b"]), 30);
        assert!(cache.lookup(&kid("a"), 40, true).is_some());
    }

    #[test]
    fn forgetting_everything_drops_the_set_and_the_stale_keys() {
        let mut cache = KeyCache::new(config(1000, 5, Some(10_000)));
        cache.store_set(set(&["a"]), 0);
        assert!(cache.lookup(&kid("a"), 10, true).is_some());
        let before = cache.revision();
        cache.forget(None);
        assert_ne!(cache.revision(), before);
        assert!(cache.lookup(&kid("a"), 20, true).is_none());
        assert!(cache.stale(&kid("a"), 2000, Some(10)).is_none());
        assert!(cache.current_keys().is_none());
        assert_eq!(cache.current_set(), None);
    }

    #[test]
    fn pruning_drops_retained_kids_the_set_in_use_no_longer_lists() {
        let mut cache = KeyCache::new(config(1000, 5, Some(10_000)));
        cache.store_set(set(&["old", "kept"]), 0);
        assert!(cache.lookup(&kid("old"), 10, true).is_some());
        assert!(cache.lookup(&kid("kept"), 10, true).is_some());
        cache.store_set(set(&["kept"]), 500);
        assert!(cache.lookup(&KidQuery::Absent, 600, true).is_some());
        assert!(
            cache.lookup(&kid("old"), 600, true).is_some(),
            "a lookup keeps jwks-rsa's rule"
        );
        cache.prune_unlisted();
        assert!(cache.lookup(&kid("old"), 600, true).is_none());
        assert!(cache.stale(&kid("old"), 2000, Some(600)).is_none());
        assert!(cache.stale(&kid("kept"), 2000, Some(600)).is_some());
        assert_eq!(
            cache.retained_len(),
            2,
            "kept, and the only key for a lookup without kid"
        );
    }

    #[test]
    fn the_revision_stays_while_the_same_set_is_stored_again() {
        let mut cache = KeyCache::new(config(1000, 5, None));
        let first = set(&["a"]);
        cache.store_set(Arc::clone(&first), 0);
        let revision = cache.revision();
        cache.store_set(first, 10);
        assert_eq!(cache.revision(), revision);
        cache.store_set(set(&["a"]), 20);
        assert_ne!(cache.revision(), revision);
    }
}
