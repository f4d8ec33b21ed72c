//! Counters of one client, for observability (`client.stats()` in JavaScript).

/// What a client has done since it was created.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    /// Lookups answered by the native cache (the JavaScript memo counts its own).
    pub cache_hits: u64,
    /// Fetches started.
    pub fetches: u64,
    /// Fetches that failed.
    pub fetch_errors: u64,
    /// Fetches answered `304 Not Modified` (`conditionalRequests`): the set
    /// was confirmed without being sent again.
    pub not_modified: u64,
    /// Requests that joined a fetch already under way.
    pub coalesced: u64,
    /// Lookups refused by the rate limiter.
    pub rate_limited: u64,
    /// Stale keys served because the endpoint was unavailable.
    pub stale_served: u64,
    /// Unknown kids refused during the cooldown after a fetch.
    pub cooldown_refusals: u64,
    /// Signing keys in the latest set.
    pub keys: usize,
    /// Keys of the latest set that were skipped.
    pub skipped: usize,
    /// Fetches left in the rate-limit budget after the last one taken.
    pub rate_limit_remaining: Option<f64>,
}
