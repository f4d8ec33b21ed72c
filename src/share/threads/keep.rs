//! How long a shared client is kept once no client holds it: while its set
//! is fresh, and never longer than its `cacheMaxAge`.

use crate::Millis;
use crate::state::client::Client;
use crate::state::option_rule::DEFAULT_CACHE_MAX_AGE_MS;

/// How long `client` is worth keeping after its last lease, at `now` on
/// the clock of its set's expiry (`Date.now()`): `None` without a fresh set.
pub fn keep_for(client: &Client, now: Millis) -> Option<Millis> {
    let max_age = client.config().cache.and_then(|cache| cache.max_age);
    keep_time(client.health().fresh_until?, max_age, now)
}

/// How long a set fresh until `fresh_until` (`None`: for ever) stays fresh
/// after `now`, at most `max_age` (`None`, a set that never expires: the
/// default `cacheMaxAge`); `None` once it is not fresh.
fn keep_time(fresh_until: Option<Millis>, max_age: Option<Millis>, now: Millis) -> Option<Millis> {
    let bound = max_age.unwrap_or(DEFAULT_CACHE_MAX_AGE_MS);
    let left = match fresh_until {
        Some(until) => until.saturating_sub(now).min(bound),
        None => bound,
    };
    (left > 0).then_some(left)
}

#[cfg(test)]
mod tests {
    use super::{DEFAULT_CACHE_MAX_AGE_MS, keep_for, keep_time};
    use crate::keys::keyset::KidQuery;
    use crate::state::cache::CacheConfig;
    use crate::state::client::tests::Endpoint;
    use crate::state::client::{Client, ClientConfig, Lookup};

    fn client(cache: Option<CacheConfig>) -> Client {
        let config = ClientConfig {
            cache,
            ..ClientConfig::default()
        };
        Client::new(config, Endpoint::serving(&["a"]))
    }

    async fn fetched(client: &Client, at: u64) {
        let kid = KidQuery::Kid("a".to_owned());
        assert!(client.signing_key(kid, Lookup::at(at)).await.is_ok());
    }

    #[tokio::test]
    async fn a_client_is_kept_while_its_set_is_fresh() {
        let max_age = CacheConfig {
            max_age: Some(300),
            ..CacheConfig::default()
        };
        let client = client(Some(max_age));
        assert_eq!(keep_for(&client, 1_000), None, "no set yet");
        fetched(&client, 1_000).await;
        assert_eq!(keep_for(&client, 1_100), Some(200));
        assert_eq!(keep_for(&client, 1_300), None);
    }

    #[tokio::test]
    async fn a_client_without_a_cache_is_not_kept() {
        let client = client(None);
        fetched(&client, 1_000).await;
        assert_eq!(keep_for(&client, 1_000), None);
    }

    #[tokio::test]
    async fn a_set_without_expiry_is_kept_for_the_default_max_age() {
        let forever = CacheConfig {
            max_age: None,
            ..CacheConfig::default()
        };
        let client = client(Some(forever));
        fetched(&client, 1_000).await;
        assert_eq!(keep_for(&client, 1_000_000), Some(DEFAULT_CACHE_MAX_AGE_MS));
    }

    #[test]
    fn a_fresh_set_is_kept_until_its_expiry() {
        assert_eq!(keep_time(Some(1_300), Some(300), 1_100), Some(200));
    }

    #[test]
    fn no_longer_than_cache_max_age() {
        // An expiry further away (Cache-Control, a clock set back) is cut.
        assert_eq!(keep_time(Some(100_000), Some(300), 1_000), Some(300));
    }

    #[test]
    fn a_set_that_never_expires_is_kept_for_the_default_max_age() {
        assert_eq!(keep_time(None, None, 1_000), Some(DEFAULT_CACHE_MAX_AGE_MS));
    }

    #[test]
    fn an_expired_set_is_not_kept() {
        assert_eq!(keep_time(Some(1_000), Some(300), 1_000), None);
        assert_eq!(keep_time(Some(1_000), Some(300), 5_000), None);
    }
}
