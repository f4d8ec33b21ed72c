use super::*;
use serde_json::json;

fn set(kids: &[&str]) -> Arc<KeySet> {
    let n = format!("{}{}", "w".repeat(84), "BQ");
    let keys: Vec<_> = kids
        .iter()
        .map(|kid| json!({ "kty": "RSA", "kid": kid, "n": n, "e": "AQAB" }))
        .collect();
    Arc::new(KeySet::from_entries(&keys).expect("valid keys"))
}

fn kid(k: &str) -> KidQuery {
    KidQuery::Kid(k.to_owned())
}

fn config(max_age: u64, max_entries: usize, fallback: Option<u64>) -> CacheConfig {
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
        let hit = cache.lookup(&kid(k), 1000).expect("hit").expect("key");
        assert_eq!(hit.fresh_until, Some(1000));
    }
    assert!(cache.lookup(&kid("zz"), 10).is_none());
    assert!(cache.lookup(&kid("a"), 1001).is_none());
}

#[test]
fn no_expiry_when_max_age_is_unset() {
    let mut cache = KeyCache::new(CacheConfig {
        max_age: None,
        ..CacheConfig::default()
    });
    cache.store_set(set(&["a"]), 0);
    assert!(cache.lookup(&kid("a"), u64::MAX).is_some());
}

#[test]
fn served_keys_outlive_their_rotation() {
    let mut cache = KeyCache::new(config(1000, 5, None));
    cache.store_set(set(&["old"]), 0);
    assert!(cache.lookup(&kid("old"), 10).is_some());
    cache.store_set(set(&["new"]), 500);
    let hit = cache
        .lookup(&kid("old"), 900)
        .expect("retained")
        .expect("key");
    assert_eq!(hit.fresh_until, Some(1000));
    assert!(cache.lookup(&kid("old"), 1001).is_none());
}

#[test]
fn retention_is_bounded_by_max_entries() {
    let mut cache = KeyCache::new(config(1000, 2, None));
    cache.store_set(set(&["a", "b", "c"]), 0);
    for k in ["a", "b", "c"] {
        assert!(cache.lookup(&kid(k), 1).is_some());
    }
    assert_eq!(cache.retained_len(), 2);
}

#[test]
fn absent_kid_with_many_keys_is_answered_from_the_set() {
    let mut cache = KeyCache::new(config(1000, 5, None));
    cache.store_set(set(&["a", "b"]), 0);
    let answer = cache.lookup(&KidQuery::Absent, 1).expect("answered");
    assert!(matches!(answer, Err(Error::SigningKeyNotFoundError(_))));
}

#[test]
fn unmatchable_kids_always_miss() {
    let mut cache = KeyCache::new(config(1000, 5, None));
    cache.store_set(set(&["1"]), 0);
    assert!(
        cache
            .lookup(&KidQuery::Unmatchable("1".into()), 1)
            .is_none()
    );
}

#[test]
fn stale_keys_only_for_served_kids_inside_the_window() {
    let mut cache = KeyCache::new(config(100, 5, Some(1000)));
    cache.store_set(set(&["a", "b"]), 0);
    assert!(cache.lookup(&kid("a"), 1).is_some());
    assert!(cache.stale(&kid("b"), 200).is_none(), "b was never served");
    let hit = cache.stale(&kid("a"), 200).expect("inside the window");
    assert_eq!(hit.fresh_until, Some(300));
    assert!(
        cache.lookup(&kid("a"), 250).is_some(),
        "fresh again after a stale serve"
    );
    assert!(
        cache.stale(&kid("a"), 1100).is_none(),
        "window measured from the fetch"
    );
}

#[test]
fn no_stale_keys_without_fallback() {
    let mut cache = KeyCache::new(config(100, 5, None));
    cache.store_set(set(&["a"]), 0);
    assert!(cache.lookup(&kid("a"), 1).is_some());
    assert!(cache.stale(&kid("a"), 150).is_none());
}

#[test]
fn a_new_set_confirms_retained_keys_again() {
    let mut cache = KeyCache::new(config(100, 5, Some(100)));
    cache.store_set(set(&["a"]), 0);
    assert!(cache.lookup(&kid("a"), 1).is_some());
    cache.store_set(set(&["a", "b"]), 150);
    assert!(cache.stale(&kid("a"), 300).is_some());
}

#[test]
fn a_huge_entry_bound_reserves_nothing_and_still_works() {
    // 1e9 and usize::MAX are "no practical limit", not an allocation size.
    for max_entries in [1_000_000_000, usize::MAX] {
        let mut cache = KeyCache::new(config(1000, max_entries, None));
        cache.store_set(set(&["a", "b"]), 0);
        let hit = cache.lookup(&kid("b"), 10).expect("hit").expect("key");
        assert_eq!(hit.key.kid.as_deref(), Some("b"));
        cache.store_key(&kid("b"), hit.key, 10);
        assert_eq!(cache.retained_len(), 1);
    }
}
