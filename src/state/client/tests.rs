use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::state::mutex::Mutex as SyncMutex;
use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use tokio::sync::Semaphore;

use super::*;
use crate::error::{Error, NO_SIGNING_KEYS};
use crate::source::Document;

/// An in-memory endpoint: counts fetches, can be held closed until released.
pub(crate) struct Endpoint {
    fetches: AtomicUsize,
    body: SyncMutex<Result<String, Error>>,
    gate: Option<Arc<Semaphore>>,
}

impl Endpoint {
    pub(crate) fn serving(kids: &[&str]) -> Arc<Self> {
        Arc::new(Endpoint {
            fetches: AtomicUsize::new(0),
            body: SyncMutex::new(Ok(jwks(kids))),
            gate: None,
        })
    }

    pub(crate) fn gated(kids: &[&str], gate: Arc<Semaphore>) -> Arc<Self> {
        Arc::new(Endpoint {
            fetches: AtomicUsize::new(0),
            body: SyncMutex::new(Ok(jwks(kids))),
            gate: Some(gate),
        })
    }

    pub(crate) fn serve(&self, kids: &[&str]) {
        *self.body.lock() = Ok(jwks(kids));
    }

    pub(crate) fn fail_with(&self, err: Error) {
        *self.body.lock() = Err(err);
    }

    pub(crate) fn count(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }
}

impl KeySource for Endpoint {
    fn fetch(&self) -> BoxFuture<'static, Result<Document, Error>> {
        self.fetches.fetch_add(1, Ordering::SeqCst);
        let body = self.body.lock().clone();
        let gate = self.gate.clone();
        async move {
            if let Some(gate) = gate {
                let _permit = gate.acquire().await;
            }
            body.map(|b| Document {
                body: Arc::from(b),
                fetched_at: None,
            })
        }
        .boxed()
    }
}

struct Panicking;

impl KeySource for Panicking {
    fn fetch(&self) -> BoxFuture<'static, Result<Document, Error>> {
        async { panic!("source bug") }.boxed()
    }
}

pub(crate) fn jwks(kids: &[&str]) -> String {
    let n = format!("{}{}", "w".repeat(84), "BQ");
    let keys: Vec<String> = kids
        .iter()
        .map(|kid| format!(r#"{{"kty":"RSA","kid":"{kid}","n":"{n}","e":"AQAB"}}"#))
        .collect();
    format!(r#"{{"keys":[{}]}}"#, keys.join(","))
}

pub(super) fn kid(k: &str) -> KidQuery {
    KidQuery::Kid(k.to_owned())
}

pub(super) fn cached_client(endpoint: Arc<Endpoint>, rpm: Option<u32>) -> Client {
    let config = ClientConfig {
        cache: Some(CacheConfig::default()),
        requests_per_minute: rpm,
        unknown_kid_cooldown: None,
        ..ClientConfig::default()
    };
    Client::new(config, endpoint)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_lookups_over_a_hundred_kids_cost_one_fetch() {
    let kids: Vec<String> = (0..100).map(|i| format!("k{i}")).collect();
    let kid_refs: Vec<&str> = kids.iter().map(String::as_str).collect();
    let gate = Arc::new(Semaphore::new(0));
    let endpoint = Endpoint::gated(&kid_refs, Arc::clone(&gate));
    let client = Arc::new(cached_client(Arc::clone(&endpoint), Some(10)));
    let tasks: Vec<_> = (0..1000)
        .map(|i| {
            let client = Arc::clone(&client);
            let query = kid(&format!("k{}", i % 100));
            tokio::spawn(async move { client.signing_key(query, Lookup::at(0)).await })
        })
        .collect();
    while client.stats().coalesced < 999 {
        tokio::task::yield_now().await;
    }
    gate.add_permits(1);
    for (i, task) in tasks.into_iter().enumerate() {
        let resolved = task.await.expect("task").expect("key");
        assert_eq!(resolved.hit.key.kid, Some(format!("k{}", i % 100)));
    }
    assert_eq!(endpoint.count(), 1);
}

#[tokio::test]
async fn cached_lookups_never_touch_the_rate_limiter() {
    let endpoint = Endpoint::serving(&["a", "b"]);
    let client = cached_client(Arc::clone(&endpoint), Some(1));
    assert!(client.signing_key(kid("a"), Lookup::at(0)).await.is_ok());
    for _ in 0..100 {
        assert!(client.signing_key(kid("b"), Lookup::at(1)).await.is_ok());
    }
    let refused = client.signing_key(kid("unknown"), Lookup::at(2)).await;
    assert_eq!(refused, Err(Error::JwksRateLimitError));
    assert_eq!(endpoint.count(), 1);
}

#[tokio::test]
async fn without_cache_every_lookup_fetches() {
    let endpoint = Endpoint::serving(&["a"]);
    let client = Client::new(
        ClientConfig::default(),
        Arc::clone(&endpoint) as Arc<dyn KeySource>,
    );
    for now in 0..3 {
        let resolved = client
            .signing_key(kid("a"), Lookup::at(now))
            .await
            .expect("key");
        assert!(!resolved.cacheable);
    }
    assert_eq!(endpoint.count(), 3);
}

#[tokio::test]
async fn an_unknown_kid_fetches_again_by_default() {
    let endpoint = Endpoint::serving(&["a"]);
    let client = cached_client(Arc::clone(&endpoint), None);
    assert!(client.signing_key(kid("a"), Lookup::at(0)).await.is_ok());
    for now in 1..4 {
        let err = client.signing_key(kid("nope"), Lookup::at(now)).await.err();
        assert_eq!(
            err.map(|e| e.to_string()).as_deref(),
            Some("Unable to find a signing key that matches 'nope'")
        );
    }
    assert_eq!(endpoint.count(), 4);
}

#[tokio::test]
async fn the_cooldown_refuses_unknown_kids_without_fetching() {
    let endpoint = Endpoint::serving(&["a"]);
    let config = ClientConfig {
        cache: Some(CacheConfig::default()),
        requests_per_minute: None,
        unknown_kid_cooldown: Some(1000),
        ..ClientConfig::default()
    };
    let client = Client::new(config, Arc::clone(&endpoint) as Arc<dyn KeySource>);
    assert!(client.signing_key(kid("a"), Lookup::at(0)).await.is_ok());
    for now in 1..100 {
        assert!(
            client
                .signing_key(kid(&format!("forged{now}")), Lookup::at(now))
                .await
                .is_err()
        );
        assert!(client.signing_key(kid("a"), Lookup::at(now)).await.is_ok());
    }
    assert_eq!(endpoint.count(), 1);
    assert!(
        client
            .signing_key(kid("new"), Lookup::at(1000))
            .await
            .is_err()
    );
    assert_eq!(endpoint.count(), 2);
}

#[tokio::test]
async fn clients_sharing_a_gate_draw_on_one_limit_and_one_cooldown() {
    let first = Endpoint::serving(&["a"]);
    let second = Endpoint::serving(&["a"]);
    let config = ClientConfig {
        cache: Some(CacheConfig::default()),
        requests_per_minute: Some(3),
        unknown_kid_cooldown: Some(1000),
        ..ClientConfig::default()
    };
    let one = Client::new(config.clone(), Arc::clone(&first) as Arc<dyn KeySource>);
    let two = Client::new(config, Arc::clone(&second) as Arc<dyn KeySource>).sharing_gate_of(&one);
    assert!(one.signing_key(kid("a"), Lookup::at(0)).await.is_ok());
    // The other client's set fetch is within the cooldown the first began.
    let refused = two.signing_key(kid("forged"), Lookup::at(1)).await;
    assert_eq!(
        refused.err().map(|e| e.to_string()),
        Some("Unable to find a signing key that matches 'forged'".into())
    );
    assert_eq!(second.count(), 0);
    // Past it, both draw on the one limit of three requests a minute.
    assert!(two.signing_key(kid("a"), Lookup::at(1000)).await.is_ok());
    assert!(one.signing_key(kid("b"), Lookup::at(2000)).await.is_err());
    let over = two.signing_key(kid("c"), Lookup::at(3000)).await;
    assert!(matches!(over, Err(Error::JwksRateLimitError)));
    assert_eq!((first.count(), second.count()), (2, 1));
    assert_eq!(
        two.stats().rate_limit_remaining,
        one.stats().rate_limit_remaining
    );
}

#[tokio::test]
async fn a_stale_key_stands_in_while_the_endpoint_is_down() {
    let endpoint = Endpoint::serving(&["a"]);
    let config = ClientConfig {
        cache: Some(CacheConfig {
            max_age: Some(100),
            max_entries: 5,
            fallback: Some(1000),
        }),
        ..ClientConfig::default()
    };
    let client = Client::new(config, Arc::clone(&endpoint) as Arc<dyn KeySource>);
    assert!(client.signing_key(kid("a"), Lookup::at(0)).await.is_ok());
    endpoint.fail_with(Error::unavailable("Service Unavailable"));
    let stale = client
        .signing_key(kid("a"), Lookup::at(200))
        .await
        .expect("stale key");
    assert_eq!(
        stale.stale_because,
        Some(Error::unavailable("Service Unavailable"))
    );
    assert_eq!(stale.hit.fresh_until, Some(300));
    let late = client.signing_key(kid("a"), Lookup::at(1200)).await;
    assert_eq!(late, Err(Error::unavailable("Service Unavailable")));
}

#[tokio::test]
async fn content_errors_do_not_fall_back_to_stale_keys() {
    let endpoint = Endpoint::serving(&["a"]);
    let config = ClientConfig {
        cache: Some(CacheConfig {
            max_age: Some(100),
            max_entries: 5,
            fallback: Some(1000),
        }),
        ..ClientConfig::default()
    };
    let client = Client::new(config, Arc::clone(&endpoint) as Arc<dyn KeySource>);
    assert!(client.signing_key(kid("a"), Lookup::at(0)).await.is_ok());
    *endpoint.body.lock() = Ok(r#"{"keys":[{"kty":"oct","k":"AA"}]}"#.to_owned());
    let err = client.signing_key(kid("a"), Lookup::at(200)).await.err();
    assert_eq!(err.map(|e| e.to_string()).as_deref(), Some(NO_SIGNING_KEYS));
}

#[tokio::test]
async fn a_panicking_source_fails_the_lookup_and_not_the_client() {
    let client = Client::new(ClientConfig::default(), Arc::new(Panicking));
    for now in 0..2 {
        let err = client.signing_key(kid("a"), Lookup::at(now)).await.err();
        assert!(err.is_some_and(|e| e.is_endpoint_unavailable()));
    }
}

#[tokio::test]
async fn invalid_json_is_a_syntax_error_that_keeps_the_body() {
    let endpoint = Endpoint::serving(&[]);
    *endpoint.body.lock() = Ok("<html>".to_owned());
    let client = cached_client(Arc::clone(&endpoint), None);
    match client.signing_key(kid("a"), Lookup::at(0)).await {
        Err(Error::SyntaxError { body, .. }) => assert_eq!(&*body, "<html>"),
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(client.document(1).await.as_deref(), Ok("<html>"));
}

#[tokio::test]
async fn a_body_without_a_usable_set_counts_as_a_failed_fetch() {
    let endpoint = Endpoint::serving(&[]);
    let client = cached_client(Arc::clone(&endpoint), None);
    for (now, body) in [(0, "<html>login</html>"), (1, r#"{"keys":[]}"#), (2, "")] {
        *endpoint.body.lock() = Ok(body.to_owned());
        assert!(client.signing_key(kid("a"), Lookup::at(now)).await.is_err());
    }
    assert_eq!(
        (client.stats().fetches, client.stats().fetch_errors),
        (3, 3)
    );
    *endpoint.body.lock() = Ok(jwks(&["a"]));
    assert!(client.signing_key(kid("a"), Lookup::at(3)).await.is_ok());
    // A set without the kid asked for is a good fetch and a failed lookup.
    assert!(client.signing_key(kid("b"), Lookup::at(4)).await.is_err());
    assert_eq!(
        (client.stats().fetches, client.stats().fetch_errors),
        (5, 3)
    );
}

#[tokio::test]
async fn an_unchanged_body_is_not_parsed_again_and_a_changed_one_is() {
    let endpoint = Endpoint::serving(&["a", "b"]);
    let client = cached_client(Arc::clone(&endpoint), None);
    let first = client.signing_keys(0).await.expect("set");
    let again = client.signing_keys(1).await.expect("set");
    assert!(Arc::ptr_eq(&first, &again));
    *endpoint.body.lock() = Ok(jwks(&["a", "c"]));
    let changed = client.signing_keys(2).await.expect("set");
    assert!(!Arc::ptr_eq(&first, &changed));
    assert!(changed.find("c").is_some());
    assert_eq!(endpoint.count(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_waiter_on_a_non_json_page_shares_one_body_and_one_error() {
    let gate = Arc::new(Semaphore::new(0));
    let endpoint = Endpoint::gated(&[], Arc::clone(&gate));
    let page = format!("<!DOCTYPE html>{}", "x".repeat(1 << 20));
    *endpoint.body.lock() = Ok(page);
    let client = Arc::new(cached_client(Arc::clone(&endpoint), None));
    let tasks: Vec<_> = (0..200)
        .map(|i| {
            let client = Arc::clone(&client);
            tokio::spawn(async move {
                client
                    .signing_key(kid(&format!("k{i}")), Lookup::at(0))
                    .await
            })
        })
        .collect();
    while client.stats().coalesced < 199 {
        tokio::task::yield_now().await;
    }
    gate.add_permits(1);
    let mut first: Option<(Arc<str>, u64)> = None;
    for task in tasks {
        match task.await.expect("task") {
            Err(Error::SyntaxError { body, id, .. }) => match &first {
                None => first = Some((body, id)),
                Some((shared, shared_id)) => {
                    assert!(Arc::ptr_eq(shared, &body), "one copy of the body");
                    assert_eq!(*shared_id, id, "one error per fetch");
                }
            },
            other => panic!("unexpected {:?}", other.map(|_| ())),
        }
    }
    assert_eq!(endpoint.count(), 1);
    // One copy for the fetch itself and one held by the client's last fetch.
    let (body, id) = first.expect("errors");
    assert!(Arc::strong_count(&body) <= 3);
    // The same page again is not parsed again: same error, same id.
    gate.add_permits(1);
    match client.signing_key(kid("again"), Lookup::at(1)).await {
        Err(Error::SyntaxError { id: again, .. }) => assert_eq!(again, id),
        other => panic!("unexpected {:?}", other.map(|_| ())),
    }
    assert_eq!(endpoint.count(), 2);
}

#[tokio::test]
async fn a_miss_that_loses_the_race_with_a_fetch_end_is_answered_by_that_fetch() {
    let gate = Arc::new(Semaphore::new(0));
    let endpoint = Endpoint::gated(&["a"], Arc::clone(&gate));
    let client = Arc::new(cached_client(Arc::clone(&endpoint), None));
    let first = {
        let client = Arc::clone(&client);
        tokio::spawn(async move { client.signing_key(kid("a"), Lookup::at(0)).await })
    };
    while endpoint.count() == 0 {
        tokio::task::yield_now().await;
    }
    // A second lookup (another thread's, say) finds no answer in the cache...
    assert!(client.cached(&kid("a"), 0, true).is_none());
    // ...and the fetch under way ends before that lookup goes on to fetch.
    gate.add_permits(1);
    first.await.unwrap().unwrap();
    let resolved = client.load(&kid("a"), Lookup::at(0)).await.unwrap();
    assert_eq!(resolved.hit.key.kid.as_deref(), Some("a"));
    assert!(!resolved.from_endpoint);
    assert_eq!(endpoint.count(), 1);
}
