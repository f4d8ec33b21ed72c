use super::*;
use serde_json::json;

pub(super) fn set(kids: &[&str]) -> Arc<KeySet> {
    let n = format!("{}{}", "w".repeat(84), "BQ");
    let keys: Vec<_> = kids
        .iter()
        .map(|kid| json!({ "kty": "RSA", "kid": kid, "n": n, "e": "AQAB" }))
        .collect();
    Arc::new(KeySet::from_entries(&keys).expect("valid keys"))
}

pub(super) fn kid(k: &str) -> KidQuery {
    KidQuery::Kid(k.to_owned())
}

pub(super) fn config(max_age: u64, max_entries: usize, fallback: Option<u64>) -> CacheConfig {
    CacheConfig {
        max_age: Some(max_age),
        max_entries,
        fallback,
    }
}

#[test]
fn every_kid_of_a_fresh_set_hits() {
    let mut cache = KeyCache::new(config(1000, 5, None));
    cache.store_set(set(&["a", "b", "c", "d", "e", "f", "g"]), 0);
    for k in ["a", "g", "d"] {
        let hit = cache
            .lookup(&kid(k), 1000, true)
            .expect("hit")
            .expect("key");
        assert_eq!(hit.fresh_until, Some(1000));
    }
    assert!(cache.lookup(&kid("zz"), 10, true).is_none());
    assert!(cache.lookup(&kid("a"), 1001, true).is_none());
}

#[test]
fn no_expiry_when_max_age_is_unset() {
    let mut cache = KeyCache::new(CacheConfig {
        max_age: None,
        ..CacheConfig::default()
    });
    cache.store_set(set(&["a"]), 0);
    assert!(cache.lookup(&kid("a"), u64::MAX, true).is_some());
}

#[test]
fn served_keys_outlive_their_rotation() {
    let mut cache = KeyCache::new(config(1000, 5, None));
    cache.store_set(set(&["old"]), 0);
    assert!(cache.lookup(&kid("old"), 10, true).is_some());
    cache.store_set(set(&["new"]), 500);
    let hit = cache
        .lookup(&kid("old"), 900, true)
        .expect("retained")
        .expect("key");
    assert_eq!(hit.fresh_until, Some(1000));
    assert!(cache.lookup(&kid("old"), 1001, true).is_none());
}

#[test]
fn retention_is_bounded() {
    let mut cache = KeyCache::with_capacity(config(1000, 2, None), 2);
    cache.store_set(set(&["a", "b", "c"]), 0);
    for k in ["a", "b", "c"] {
        assert!(cache.lookup(&kid(k), 1, true).is_some());
    }
    assert_eq!(cache.retained_len(), 2);
}

#[test]
fn at_least_min_retained_kids_are_kept() {
    let kids: Vec<String> = (0..=MIN_RETAINED).map(|i| format!("k{i}")).collect();
    let names: Vec<&str> = kids.iter().map(String::as_str).collect();
    let mut cache = KeyCache::new(config(1000, 2, Some(1000)));
    cache.store_set(set(&names), 0);
    for k in &names {
        assert!(cache.lookup(&kid(k), 1, true).is_some());
    }
    assert_eq!(cache.retained_len(), MIN_RETAINED);
    assert!(
        cache.stale(&kid("k0"), 1500, None).is_none(),
        "the least recently loaded"
    );
    assert!(cache.stale(&kid("k1"), 1500, None).is_some());
}

#[test]
fn absent_kid_with_many_keys_is_answered_from_the_set() {
    let mut cache = KeyCache::new(config(1000, 5, None));
    cache.store_set(set(&["a", "b"]), 0);
    let answer = cache.lookup(&KidQuery::Absent, 1, true).expect("answered");
    assert!(matches!(answer, Err(Error::SigningKeyNotFoundError(_))));
}

#[test]
fn unmatchable_kids_always_miss() {
    let mut cache = KeyCache::new(config(1000, 5, None));
    cache.store_set(set(&["1"]), 0);
    assert!(
        cache
            .lookup(&KidQuery::Unmatchable("1".into()), 1, true)
            .is_none()
    );
}

#[test]
fn stale_keys_only_for_served_kids_inside_the_window() {
    let mut cache = KeyCache::new(config(100, 5, Some(1000)));
    cache.store_set(set(&["a", "b"]), 0);
    assert!(cache.lookup(&kid("a"), 1, true).is_some());
    assert!(
        cache.stale(&kid("b"), 200, None).is_none(),
        "b was never served"
    );
    let hit = cache
        .stale(&kid("a"), 200, None)
        .expect("inside the window");
    assert_eq!(hit.fresh_until, Some(300));
    assert!(
        cache.lookup(&kid("a"), 250, true).is_some(),
        "fresh again after a stale serve"
    );
    assert!(cache.stale(&kid("a"), 1100, None).is_some());
    assert!(
        cache.stale(&kid("a"), 1101, None).is_none(),
        "window measured from the load at 1"
    );
}

#[test]
fn no_stale_keys_without_fallback() {
    let mut cache = KeyCache::new(config(100, 5, None));
    cache.store_set(set(&["a"]), 0);
    assert!(cache.lookup(&kid("a"), 1, true).is_some());
    assert!(cache.stale(&kid("a"), 150, None).is_none());
}

#[test]
fn a_new_set_refreshes_retained_keys_but_not_their_window() {
    let mut cache = KeyCache::new(config(100, 5, Some(100)));
    cache.store_set(set(&["old", "a"]), 0);
    assert!(cache.lookup(&kid("a"), 1, true).is_some());
    assert!(cache.lookup(&kid("old"), 1, true).is_some());
    cache.store_set(set(&["a", "b"]), 150);
    assert_eq!(
        cache
            .lookup(&kid("a"), 240, false)
            .expect("hit")
            .expect("key")
            .fresh_until,
        Some(250)
    );
    // As in jwks-rsa, the window counts from the load at 1, not the fetch at 150.
    assert!(cache.stale(&kid("a"), 200, None).is_some());
    assert!(cache.stale(&kid("a"), 201, None).is_none());
}

#[test]
fn only_loads_and_failed_loads_move_a_kid_up() {
    // jwks-rsa's stale store: set on each load, read on each failed load;
    // hits of its memoizer never reach it.
    let mut cache = KeyCache::with_capacity(config(1000, 2, Some(10_000)), 2);
    cache.store_set(set(&["a", "b", "c", "d"]), 0);
    assert!(cache.lookup(&kid("a"), 1, true).is_some());
    assert!(cache.lookup(&kid("b"), 2, true).is_some());
    for now in 3..200 {
        assert!(cache.lookup(&kid("a"), now, false).is_some(), "a hit");
    }
    assert!(cache.lookup(&kid("c"), 300, true).is_some());
    // a was loaded before b: it is the one that goes, hits or not.
    assert!(cache.stale(&kid("a"), 2000, None).is_none());
    assert!(cache.stale(&kid("b"), 2000, None).is_some());
    // Asking for b's stale key moved it above c.
    cache.store_set(set(&["a", "b", "c", "d"]), 2001);
    assert!(cache.lookup(&kid("d"), 2001, true).is_some());
    assert!(cache.stale(&kid("c"), 3000, None).is_none());
    assert!(cache.stale(&kid("b"), 3000, None).is_some());
    assert!(cache.stale(&kid("d"), 3000, None).is_some());
    assert_eq!(cache.retained_len(), 2);
}

#[test]
fn a_failed_load_moves_a_kid_up_even_out_of_its_window() {
    let mut cache = KeyCache::with_capacity(config(100, 2, Some(100)), 2);
    cache.store_set(set(&["a", "b", "c"]), 0);
    assert!(cache.lookup(&kid("a"), 0, true).is_some());
    assert!(cache.lookup(&kid("b"), 1, true).is_some());
    assert!(
        cache.stale(&kid("a"), 500, None).is_none(),
        "out of its window"
    );
    cache.store_set(set(&["a", "b", "c"]), 600);
    assert!(cache.lookup(&kid("c"), 600, true).is_some());
    // b, not a, was the least recently asked for.
    assert!(cache.stale(&kid("b"), 650, None).is_none());
    assert!(cache.lookup(&kid("a"), 650, true).is_some());
    assert!(
        cache.stale(&kid("a"), 700, None).is_some(),
        "loaded again at 650"
    );
}

#[test]
fn the_window_starts_at_the_load_not_at_the_fetch() {
    let mut cache = KeyCache::new(config(1000, 5, Some(1000)));
    cache.store_set(set(&["a", "b"]), 0);
    assert!(cache.lookup(&kid("a"), 0, true).is_some());
    // b loaded from the set fetched at 0, but at 900: as jwks-rsa's fetch at 900.
    assert!(cache.lookup(&kid("b"), 900, true).is_some());
    assert!(cache.stale(&kid("a"), 2000, None).is_none());
    assert!(cache.stale(&kid("b"), 2899, None).is_some());
    assert!(cache.stale(&kid("b"), 2900, None).is_none());
}

#[test]
fn a_lookup_that_is_not_a_load_restarts_nothing() {
    let mut cache = KeyCache::new(config(1000, 5, Some(1000)));
    cache.store_set(set(&["a"]), 0);
    assert!(cache.lookup(&kid("a"), 0, true).is_some());
    assert!(cache.lookup(&kid("a"), 900, false).is_some());
    assert!(cache.stale(&kid("a"), 2000, None).is_none());
    let mut fresh = KeyCache::new(config(1000, 5, Some(1000)));
    fresh.store_set(set(&["a"]), 0);
    assert!(fresh.lookup(&kid("a"), 900, false).is_some());
    assert!(fresh.stale(&kid("a"), 1000, None).is_none(), "never loaded");
}

#[test]
fn a_kid_served_within_max_age_is_held_past_its_window() {
    let mut cache = KeyCache::new(config(1000, 5, Some(500)));
    cache.store_set(set(&["a"]), 0);
    assert!(cache.lookup(&kid("a"), 0, true).is_some());
    // The window ends at 1500.
    assert!(cache.stale(&kid("a"), 1600, None).is_none());
    assert!(
        cache.stale(&kid("a"), 1600, Some(599)).is_none(),
        "served too long ago"
    );
    assert!(cache.stale(&kid("a"), 1600, Some(1400)).is_some());
    assert!(cache.stale(&kid("a"), 2499, Some(1499)).is_some());
    assert!(
        cache.stale(&kid("a"), 2500, Some(2400)).is_none(),
        "a window plus cacheMaxAge at most"
    );
}

#[test]
fn a_huge_entry_bound_reserves_nothing_and_still_works() {
    // 1e9 and usize::MAX are "no practical limit", not an allocation size.
    for max_entries in [1_000_000_000, usize::MAX] {
        let mut cache = KeyCache::new(config(1000, max_entries, None));
        cache.store_set(set(&["a", "b"]), 0);
        let hit = cache
            .lookup(&kid("b"), 10, true)
            .expect("hit")
            .expect("key");
        assert_eq!(hit.key.kid.as_deref(), Some("b"));
        cache.store_key(&kid("b"), hit.key, 10, Some(10));
        assert_eq!(cache.retained_len(), 1);
    }
}
