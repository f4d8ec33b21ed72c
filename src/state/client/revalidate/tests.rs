use std::sync::Arc;

use futures_util::FutureExt;
use futures_util::future::BoxFuture;

use super::*;
use crate::source::Document;
use crate::source::headers::CacheHeaders;
use crate::state::cache::CacheConfig;
use crate::state::client::tests::{jwks, kid};
use crate::state::client::{Client, ClientConfig, Lookup};

/// An in-memory HTTP endpoint: answers `304` when sent its current ETag,
/// records what each request carried.
struct Origin {
    state: Mutex<OriginState>,
}

struct OriginState {
    body: String,
    headers: CacheHeaders,
    plain_fetches: usize,
    sent: Vec<Option<Validators>>,
}

impl Origin {
    fn new(body: String, headers: CacheHeaders) -> Arc<Self> {
        let state = OriginState {
            body,
            headers,
            plain_fetches: 0,
            sent: Vec::new(),
        };
        Arc::new(Origin {
            state: Mutex::new(state),
        })
    }

    fn sent(&self) -> Vec<Option<Validators>> {
        self.state.lock().sent.clone()
    }
}

impl KeySource for Origin {
    fn fetch(&self) -> BoxFuture<'static, Result<Document, Error>> {
        let mut state = self.state.lock();
        state.plain_fetches += 1;
        let body = Arc::from(state.body.as_str());
        async move {
            Ok(Document {
                body,
                fetched_at: None,
            })
        }
        .boxed()
    }

    fn fetch_with(
        &self,
        validators: Option<&Validators>,
    ) -> BoxFuture<'static, Result<Reply, Error>> {
        let mut state = self.state.lock();
        state.sent.push(validators.cloned());
        let matches = validators.is_some_and(|v| v.etag.is_some() && v.etag == state.headers.etag);
        let response = if matches {
            Response::NotModified
        } else {
            Response::Body(Document {
                body: Arc::from(state.body.as_str()),
                fetched_at: None,
            })
        };
        let reply = Reply {
            response,
            headers: state.headers.clone(),
        };
        async move { Ok(reply) }.boxed()
    }
}

fn etag(tag: &str) -> CacheHeaders {
    CacheHeaders {
        etag: Some(tag.to_owned()),
        ..CacheHeaders::default()
    }
}

fn client(origin: &Arc<Origin>, freshness: Freshness) -> Client {
    let config = ClientConfig {
        cache: Some(CacheConfig {
            max_age: Some(600_000),
            ..CacheConfig::default()
        }),
        freshness,
        ..ClientConfig::default()
    };
    Client::new(config, Arc::clone(origin) as Arc<dyn KeySource>)
}

const CONDITIONAL: Freshness = Freshness {
    conditional_requests: true,
    respect_cache_control: false,
    min_cache_age: 30_000,
};

const CACHE_CONTROL: Freshness = Freshness {
    conditional_requests: false,
    respect_cache_control: true,
    min_cache_age: 30_000,
};

#[tokio::test]
async fn a_304_hands_back_the_same_keys_fresh_from_the_revalidation() {
    let origin = Origin::new(jwks(&["a"]), etag("\"v1\""));
    let client = client(&origin, CONDITIONAL);
    let first = client
        .signing_key(kid("a"), Lookup::at(0))
        .await
        .expect("a");
    let later = 700_000;
    let second = client
        .signing_key(kid("a"), Lookup::at(later))
        .await
        .expect("a");
    assert!(Arc::ptr_eq(&first.hit.key, &second.hit.key));
    assert_eq!(second.hit.fresh_until, Some(later + 600_000));
    let sent = origin.sent();
    assert_eq!(sent.first(), Some(&None));
    assert_eq!(
        sent.get(1)
            .and_then(|v| v.clone())
            .and_then(|v| v.etag)
            .as_deref(),
        Some("\"v1\"")
    );
    let stats = client.stats();
    assert_eq!((stats.fetches, stats.not_modified), (2, 1));
}

#[tokio::test]
async fn a_304_to_a_request_without_a_stored_set_is_an_error() {
    struct Always304;
    impl KeySource for Always304 {
        fn fetch(&self) -> BoxFuture<'static, Result<Document, Error>> {
            async { Err(Error::unavailable("unused")) }.boxed()
        }
        fn fetch_with(&self, _: Option<&Validators>) -> BoxFuture<'static, Result<Reply, Error>> {
            let reply = Reply {
                response: Response::NotModified,
                headers: CacheHeaders::default(),
            };
            async move { Ok(reply) }.boxed()
        }
    }
    let config = ClientConfig {
        cache: Some(CacheConfig::default()),
        freshness: CONDITIONAL,
        ..ClientConfig::default()
    };
    let client = Client::new(config, Arc::new(Always304));
    let err = client
        .signing_key(kid("a"), Lookup::at(0))
        .await
        .expect_err("304");
    assert!(err.is_endpoint_unavailable());
    assert_eq!(client.stats().not_modified, 0);
}

#[tokio::test]
async fn validators_of_a_body_that_is_not_a_key_set_are_not_kept() {
    let origin = Origin::new("not json".to_owned(), etag("\"broken\""));
    let client = client(&origin, CONDITIONAL);
    assert!(client.signing_key(kid("a"), Lookup::at(0)).await.is_err());
    assert!(client.signing_key(kid("a"), Lookup::at(1)).await.is_err());
    assert_eq!(origin.sent(), [None, None]);
}

/// A client of an origin with an ETag, after a lookup and one past `cacheMaxAge`.
async fn looked_up_twice(freshness: Freshness) -> (Arc<Origin>, Client) {
    let origin = Origin::new(jwks(&["a"]), etag("\"v1\""));
    let client = client(&origin, freshness);
    for now in [0, 700_000] {
        client
            .signing_key(kid("a"), Lookup::at(now))
            .await
            .expect("a");
    }
    (origin, client)
}

#[tokio::test]
async fn without_conditional_requests_no_validator_is_sent() {
    let (origin, client) = looked_up_twice(CACHE_CONTROL).await;
    assert_eq!(origin.sent(), [None, None]);
    assert_eq!(client.stats().not_modified, 0);
}

#[tokio::test]
async fn with_neither_option_fetches_are_plain() {
    let (origin, _) = looked_up_twice(Freshness::default()).await;
    assert!(origin.sent().is_empty());
    assert_eq!(origin.state.lock().plain_fetches, 2);
}

#[tokio::test]
async fn max_age_sets_the_expiry_the_memo_receives() {
    let headers = CacheHeaders {
        cache_control: Some("max-age=60".to_owned()),
        ..CacheHeaders::default()
    };
    let origin = Origin::new(jwks(&["a", "b"]), headers);
    let client = client(&origin, CACHE_CONTROL);
    let a = client
        .signing_key(kid("a"), Lookup::at(1000))
        .await
        .expect("a");
    assert_eq!(a.hit.fresh_until, Some(61_000));
    let b = client
        .cached(&kid("b"), 2000, true)
        .expect("cached")
        .expect("b");
    assert_eq!(b.fresh_until, Some(61_000));
    assert!(client.cached(&kid("a"), 61_001, true).is_none());
}

#[tokio::test]
async fn a_304_without_caching_headers_keeps_the_lifetime_it_confirms() {
    let headers = CacheHeaders {
        etag: Some("\"v1\"".to_owned()),
        cache_control: Some("max-age=120".to_owned()),
        ..CacheHeaders::default()
    };
    let origin = Origin::new(jwks(&["a"]), headers);
    let both = Freshness {
        conditional_requests: true,
        ..CACHE_CONTROL
    };
    let client = client(&origin, both);
    client
        .signing_key(kid("a"), Lookup::at(0))
        .await
        .expect("a");
    origin.state.lock().headers.cache_control = None;
    let again = client
        .signing_key(kid("a"), Lookup::at(200_000))
        .await
        .expect("a");
    assert_eq!(again.hit.fresh_until, Some(320_000));
    assert_eq!(client.stats().not_modified, 1);
}
