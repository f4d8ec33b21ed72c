//! `reload()`, `warm()`, refresh-ahead, the background refresh and
//! `health()` of a `NativeClient`.

use napi_derive::napi;

use super::client::NativeClient;
use super::client::query;
use super::config::{LimiterReading, clock_ms};
use super::convert::{ErrorInfo, KeyAnswer, KeyData};
use crate::error::Error;
use crate::state::client::Lookup;

/// The answer to a refresh.
#[napi(object)]
pub struct RefreshAnswer {
    /// The signing keys of the set, when they were asked for.
    pub keys: Option<Vec<KeyData>>,
    /// The kids of the set, in order (`null` for a key without one).
    pub kids: Vec<Option<String>>,
    pub error: Option<ErrorInfo>,
    /// Set when the rate limiter makes the refresh wait this many
    /// milliseconds, then ask again with `waited` set.
    pub retry_after: Option<f64>,
}

/// The state `client.health()` reports.
#[napi(object)]
pub struct NativeHealth {
    /// When the set in use was fetched (ms, JavaScript clock).
    pub fetched_at: Option<f64>,
    /// Until when it is fresh; `Infinity` for ever.
    pub fresh_until: Option<f64>,
    pub keys: u32,
    pub last_error: Option<ErrorInfo>,
    pub last_error_at: Option<f64>,
}

#[napi]
impl NativeClient {
    /// Fetches now, joining a fetch in flight; charged to the rate limiter
    /// when `limiter` is given. `with_keys` asks for the keys themselves,
    /// for a caller who also waits for a token when the limiter says so.
    #[napi]
    pub async fn refresh(
        &self,
        now: f64,
        limiter: Option<LimiterReading>,
        with_keys: bool,
    ) -> RefreshAnswer {
        let lookup = Lookup {
            limiter: limiter
                .as_ref()
                .map(LimiterReading::clock)
                .unwrap_or_default(),
            waited: limiter.and_then(|l| l.waited).unwrap_or(false),
            ..Lookup::at(clock_ms(now))
        };
        let mut answer = RefreshAnswer {
            keys: None,
            kids: Vec::new(),
            error: None,
            retry_after: None,
        };
        let core = self.core();
        match core.refresh(lookup).await {
            Ok(set) => {
                answer.kids = set.keys().iter().map(|k| k.kid.clone()).collect();
                if with_keys {
                    answer.keys = Some(set.keys().iter().map(|k| k.as_ref().into()).collect());
                }
            }
            // Only a caller waiting for the keys waits for a token; a
            // refresh nobody waits for is refused instead.
            Err(Error::RateLimitWait(ms)) if with_keys => answer.retry_after = Some(ms as f64),
            Err(Error::RateLimitWait(_)) => {
                answer.error = Some(ErrorInfo::from(&Error::JwksRateLimitError));
            }
            Err(err) => answer.error = Some(ErrorInfo::from(&err)),
        }
        answer
    }

    /// The health of the cache and of the last fetch.
    #[napi(catch_unwind)]
    pub fn health(&self) -> NativeHealth {
        let health = self.core().health();
        NativeHealth {
            fetched_at: health.fetched_at.map(|t| t as f64),
            fresh_until: health
                .fresh_until
                .map(|until| until.map_or(f64::INFINITY, |t| t as f64)),
            keys: u32::try_from(health.keys).unwrap_or(u32::MAX),
            last_error_at: health.last_error.as_ref().map(|f| f.at as f64),
            last_error: health
                .last_error
                .as_ref()
                .map(|f| ErrorInfo::from(&f.error)),
        }
    }

    /// The cached answer for a kid the memo holds, after a refresh (see
    /// `cached`); `null` when the fresh set does not list it.
    #[napi(catch_unwind)]
    pub fn renewed(&self, kid: Option<String>, matchable: bool, now: f64) -> Option<KeyAnswer> {
        let hit = self.core().renewed(&query(kid, matchable), clock_ms(now))?;
        Some(KeyAnswer::hit(&hit))
    }

    /// The kids of the last set fetched, in order (for `rotate` events).
    #[napi(catch_unwind)]
    pub fn kids(&self) -> Vec<Option<String>> {
        self.core().current_kids()
    }
}
