//! What a `NativeClient` reports about itself: `stats()`, `health()`, and
//! the `DEBUG=jwks` lines after a lookup.

use napi_derive::napi;

use super::client::NativeClient;
use super::config::clock_ms;
use super::convert::{ErrorInfo, LastFetch, NativeStats};
use super::store::{SharedHandle, SharedStats};

/// The latest time a JavaScript `Date` holds (8.64e15 ms after the epoch).
const MAX_DATE_MS: f64 = 8.64e15;

/// `client.health()`, but for the background timer the shim keeps.
#[napi(object)]
pub struct HealthReport {
    /// The cached set answers lookups without a fetch.
    pub fresh: bool,
    /// When the set in use was fetched (ms).
    pub last_fetch_at: Option<f64>,
    /// The last fetch, if it failed and none succeeded since.
    pub last_error: Option<ErrorInfo>,
    /// From when a lookup refreshes the set (its expiry, or its refresh-ahead
    /// window); none when that never comes or a `Date` cannot hold it.
    pub refresh_from: Option<f64>,
    /// Signing keys in the set in use.
    pub keys: u32,
}

/// A client's counters and health at one instant.
#[napi(object)]
pub struct Report {
    pub stats: NativeStats,
    /// The `sharedCache` counters, when the client has a shared store.
    pub shared: Option<SharedStats>,
    pub health: HealthReport,
}

/// What `DEBUG=jwks` prints after a lookup past the memo.
#[napi(object)]
pub struct DebugReport {
    /// What the shared store did since the last report.
    pub notes: Vec<String>,
    /// Tokens left in the rate limiter, when it is on.
    pub rate_limit_remaining: Option<f64>,
    /// The last fetch that produced a body.
    pub last_fetch: Option<LastFetch>,
}

#[napi]
impl NativeClient {
    /// Counters and health at `now` (`Date.now()`).
    #[napi(catch_unwind)]
    pub fn report(&self, now: f64) -> Report {
        let core = self.core();
        let health = core.health();
        let refresh_from = core
            .refresh_from()
            .map(|t| t as f64)
            .filter(|t| *t <= MAX_DATE_MS);
        Report {
            stats: core.stats().into(),
            shared: self.store().as_ref().and_then(SharedHandle::stats),
            health: HealthReport {
                fresh: health.is_fresh(clock_ms(now)),
                last_fetch_at: health.fetched_at.map(|t| t as f64),
                last_error: health
                    .last_error
                    .as_ref()
                    .map(|f| ErrorInfo::from(&f.error)),
                refresh_from,
                keys: u32::try_from(health.keys).unwrap_or(u32::MAX),
            },
        }
    }

    /// The `DEBUG=jwks` report; the shared store's notes are taken.
    #[napi(catch_unwind)]
    pub fn debug_report(&self) -> DebugReport {
        let core = self.core();
        DebugReport {
            notes: self
                .store()
                .as_ref()
                .map(SharedHandle::notes)
                .unwrap_or_default(),
            rate_limit_remaining: core.stats().rate_limit_remaining,
            last_fetch: core.last_fetch().map(|f| LastFetch::from(f.as_ref())),
        }
    }
}
