use std::sync::Arc;

use tokio::sync::Semaphore;

use super::super::tests::{Endpoint, cached_client, kid};
use super::super::{CacheConfig, ClientConfig, Lookup, Trigger};
use super::*;
use crate::error::Error;
use crate::source::KeySource;

fn not_found(kid: &str) -> Option<String> {
    Some(format!("Unable to find a signing key that matches '{kid}'"))
}

/// A client with `cacheMaxAgeFallback` that loaded `a`, and an endpoint
/// that has since removed it.
async fn a_loaded_then_removed() -> (Arc<Endpoint>, Client) {
    let endpoint = Endpoint::serving(&["a", "b"]);
    let cache = CacheConfig {
        fallback: Some(600_000),
        ..CacheConfig::default()
    };
    let config = ClientConfig {
        cache: Some(cache),
        ..ClientConfig::default()
    };
    let client = Client::new(config, Arc::clone(&endpoint) as Arc<dyn KeySource>);
    assert!(client.signing_key(kid("a"), Lookup::at(0)).await.is_ok());
    endpoint.serve(&["b"]);
    (endpoint, client)
}

#[tokio::test]
async fn a_forgotten_kid_is_fetched_again_and_refused_once_the_set_drops_it() {
    let endpoint = Endpoint::serving(&["a", "b"]);
    let client = cached_client(Arc::clone(&endpoint), None);
    assert!(client.signing_key(kid("a"), Lookup::at(0)).await.is_ok());
    endpoint.serve(&["b"]);
    client.forget(Some(&kid("a")));
    let err = client.signing_key(kid("a"), Lookup::at(1)).await.err();
    assert_eq!(err.map(|e| e.to_string()), not_found("a"));
    assert_eq!(endpoint.count(), 2);
    assert!(client.signing_key(kid("b"), Lookup::at(2)).await.is_ok());
    assert_eq!(endpoint.count(), 2, "the new set answers the other kids");
}

#[tokio::test]
async fn forgetting_everything_fetches_at_the_next_lookup_even_in_the_cooldown() {
    let endpoint = Endpoint::serving(&["a"]);
    let config = ClientConfig {
        cache: Some(CacheConfig::default()),
        unknown_kid_cooldown: Some(60_000),
        ..ClientConfig::default()
    };
    let client = Client::new(config, Arc::clone(&endpoint) as Arc<dyn KeySource>);
    assert!(client.signing_key(kid("a"), Lookup::at(0)).await.is_ok());
    assert!(client.cached_keys(None).revision.is_some());
    client.forget(None);
    assert_eq!(
        client.cached_keys(None),
        CachedKeys {
            revision: None,
            keys: None
        }
    );
    endpoint.serve(&["b"]);
    assert!(client.signing_key(kid("b"), Lookup::at(1)).await.is_ok());
    assert_eq!(endpoint.count(), 2);
}

#[tokio::test]
async fn a_refresh_drops_unlisted_kids_from_the_stale_fallback() {
    let (endpoint, client) = a_loaded_then_removed().await;
    assert!(
        client
            .refresh(Trigger::Reload, Lookup::at(10))
            .await
            .is_ok()
    );
    assert!(client.renewed(&[kid("a")], 10)[0].is_none());
    endpoint.fail_with(Error::unavailable("down"));
    let err = client
        .signing_key(kid("a"), Lookup::at(700_000))
        .await
        .err();
    assert_eq!(err.map(|e| e.to_string()).as_deref(), Some("down"));
}

#[tokio::test]
async fn without_a_refresh_a_removed_kid_is_served_stale_as_in_jwks_rsa() {
    let (endpoint, client) = a_loaded_then_removed().await;
    assert!(client.signing_key(kid("b"), Lookup::at(10)).await.is_ok());
    endpoint.fail_with(Error::unavailable("down"));
    let stale = client.signing_key(kid("a"), Lookup::at(700_000)).await;
    assert!(stale.expect("stale").stale_because.is_some());
}

#[tokio::test]
async fn a_fetch_begun_before_a_forget_keeps_nothing() {
    let gate = Arc::new(Semaphore::new(0));
    let endpoint = Endpoint::gated(&["a"], Arc::clone(&gate));
    let client = Arc::new(cached_client(Arc::clone(&endpoint), None));
    let early = {
        let client = Arc::clone(&client);
        tokio::spawn(async move { client.signing_key(kid("a"), Lookup::at(0)).await })
    };
    while endpoint.count() == 0 {
        tokio::task::yield_now().await;
    }
    client.forget(Some(&kid("a")));
    endpoint.serve(&[]);
    let late = {
        let client = Arc::clone(&client);
        tokio::spawn(async move { client.signing_key(kid("a"), Lookup::at(1)).await })
    };
    while endpoint.count() < 2 {
        tokio::task::yield_now().await;
    }
    gate.add_permits(1);
    let early = early.await.expect("task").expect("asked before the forget");
    assert!(!early.cacheable, "its key is for that lookup only");
    assert!(
        late.await.expect("task").is_err(),
        "a later lookup does not join the old fetch"
    );
    assert!(client.cached(&kid("a"), 2, true).is_none());
    assert_eq!(client.cached_keys(None).keys, None);
}

#[tokio::test]
async fn cached_keys_are_sent_only_when_their_revision_changed() {
    let endpoint = Endpoint::serving(&["a", "b"]);
    let client = cached_client(Arc::clone(&endpoint), None);
    assert_eq!(client.cached_keys(None).revision, None);
    assert!(client.signing_key(kid("a"), Lookup::at(0)).await.is_ok());
    let first = client.cached_keys(None);
    assert_eq!(first.keys.as_ref().map(Vec::len), Some(2));
    assert_eq!(client.cached_keys(first.revision).keys, None);
    client.forget(Some(&kid("a")));
    let after = client.cached_keys(first.revision);
    assert_ne!(after.revision, first.revision);
    let kids: Vec<_> = after
        .keys
        .expect("keys")
        .iter()
        .map(|k| k.kid.clone())
        .collect();
    assert_eq!(kids, [Some("b".to_owned())]);
}
