use std::sync::Arc;

use tokio::sync::Semaphore;

use super::super::tests::{Endpoint, cached_client, kid};
use super::*;
use crate::error::Error;

#[tokio::test]
async fn a_refresh_fetches_even_while_the_set_is_fresh() {
    let endpoint = Endpoint::serving(&["a", "b"]);
    let client = cached_client(Arc::clone(&endpoint), None);
    assert!(client.signing_key(kid("a"), Lookup::at(0)).await.is_ok());
    let refreshed = client
        .refresh(Trigger::Reload, Lookup::at(10))
        .await
        .expect("set");
    assert_eq!(refreshed.set.keys().len(), 2);
    assert!(refreshed.fetched);
    assert_eq!(endpoint.count(), 2);
    let renewed = client.renewed(&[kid("b"), kid("gone")], 20);
    assert_eq!(
        renewed[0]
            .as_ref()
            .expect("b is in the new set")
            .fresh_until,
        Some(600_010)
    );
    assert!(renewed[1].is_none());
    assert_eq!(client.stats().cache_hits, 0, "renewing is not a lookup");
    let health = client.health();
    assert_eq!(health.fetched_at, Some(10));
    assert_eq!(health.fresh_until, Some(Some(600_010)));
}

#[tokio::test]
async fn a_refresh_joins_the_fetch_in_flight() {
    let gate = Arc::new(Semaphore::new(0));
    let endpoint = Endpoint::gated(&["a"], Arc::clone(&gate));
    let client = Arc::new(cached_client(Arc::clone(&endpoint), Some(1)));
    let lookup = {
        let client = Arc::clone(&client);
        tokio::spawn(async move { client.signing_key(kid("a"), Lookup::at(0)).await })
    };
    while endpoint.count() == 0 {
        tokio::task::yield_now().await;
    }
    let refresh = {
        let client = Arc::clone(&client);
        tokio::spawn(async move { client.refresh(Trigger::Reload, Lookup::at(1)).await })
    };
    while client.stats().coalesced == 0 {
        tokio::task::yield_now().await;
    }
    gate.add_permits(1);
    assert!(lookup.await.expect("task").is_ok());
    assert!(refresh.await.expect("task").is_ok());
    assert_eq!(endpoint.count(), 1);
}

#[tokio::test]
async fn a_refused_refresh_leaves_the_cached_set_in_use() {
    let endpoint = Endpoint::serving(&["a"]);
    let client = cached_client(Arc::clone(&endpoint), Some(1));
    assert!(client.signing_key(kid("a"), Lookup::at(0)).await.is_ok());
    let refused = client.refresh(Trigger::Reload, Lookup::at(1)).await;
    assert_eq!(refused.err(), Some(Error::JwksRateLimitError));
    assert_eq!(endpoint.count(), 1);
    assert!(
        client
            .cached(&kid("a"), 2, false)
            .is_some_and(|a| a.is_ok())
    );
}

#[tokio::test]
async fn health_keeps_the_last_failure_until_a_fetch_succeeds() {
    let endpoint = Endpoint::serving(&["a"]);
    let client = cached_client(Arc::clone(&endpoint), None);
    assert_eq!(client.health(), Health::default());
    assert!(!client.health().is_fresh(0));
    assert!(client.refresh(Trigger::Reload, Lookup::at(5)).await.is_ok());
    endpoint.fail_with(Error::unavailable("down"));
    assert!(
        client
            .refresh(Trigger::Reload, Lookup::at(7))
            .await
            .is_err()
    );
    let health = client.health();
    assert_eq!(health.fetched_at, Some(5));
    assert_eq!(health.keys, 1);
    assert!(health.is_fresh(600_005));
    assert!(!health.is_fresh(600_006));
    let failure = health.last_error.expect("failure");
    assert_eq!(failure.at, 7);
    assert_eq!(failure.error, Error::unavailable("down"));
}

#[tokio::test]
async fn a_refresh_nobody_waits_for_is_answered_by_a_set_new_enough() {
    let endpoint = Endpoint::serving(&["a"]);
    let mut client = cached_client(Arc::clone(&endpoint), None);
    client.config.refresh = RefreshPlan {
        ahead: 60_000,
        every: 100_000,
    };
    assert!(client.signing_key(kid("a"), Lookup::at(0)).await.is_ok());
    let ahead = client
        .refresh(Trigger::RefreshAhead, Lookup::at(1_000))
        .await;
    assert!(
        !ahead.expect("the set in use").fetched,
        "not in its window yet"
    );
    let background = client
        .refresh(Trigger::BackgroundRefresh, Lookup::at(79_999))
        .await;
    assert!(
        !background.expect("the set in use").fetched,
        "fetched within 80% of the period"
    );
    assert_eq!(endpoint.count(), 1);
    assert_eq!(client.refresh_from(), Some(540_000));
    let due = client
        .refresh(Trigger::RefreshAhead, Lookup::at(540_000))
        .await;
    assert!(due.expect("a new set").fetched);
    assert_eq!(endpoint.count(), 2);
    assert_eq!(client.refresh_from(), Some(1_080_000));
}

#[tokio::test]
async fn a_failed_refresh_ahead_leaves_the_rest_of_the_life_to_lookups() {
    let endpoint = Endpoint::serving(&["a"]);
    let mut client = cached_client(Arc::clone(&endpoint), None);
    client.config.refresh = RefreshPlan {
        ahead: 60_000,
        every: 0,
    };
    assert!(client.signing_key(kid("a"), Lookup::at(0)).await.is_ok());
    endpoint.fail_with(Error::unavailable("down"));
    assert!(
        client
            .refresh(Trigger::RefreshAhead, Lookup::at(550_000))
            .await
            .is_err()
    );
    assert_eq!(client.refresh_from(), Some(600_001));
}
