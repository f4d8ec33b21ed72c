//! What the shim sends with each call past its memo: the lookup, the clock
//! readings the core decides with (the shim's, so that faked timers drive
//! expiry and rate limiting as they do with jwks-rsa), and whether anyone
//! watches the diagnostics channels.

use napi_derive::napi;

use super::config::{LimiterReading, clock_ms};
use crate::state::client::Lookup;

/// `getSigningKey(kid)` past the memo.
#[napi(object)]
pub struct LookupRequest {
    /// `null` for `undefined`/`null`; a non-string kid's display text.
    pub kid: Option<String>,
    /// False for a kid that is not a string: it is looked up, never matched.
    pub matchable: bool,
    /// `Date.now()`.
    pub now: f64,
    /// Whether jwks-rsa's memoizer would miss: a load.
    pub load: bool,
    /// When the memo last served the kid, if it remembers it.
    pub seen_at: Option<f64>,
    /// The rate limiter's clocks, when rate limiting is on.
    pub limiter: Option<LimiterReading>,
    /// Someone subscribes to a diagnostics channel: say what fetch ended.
    pub watch: Option<bool>,
}

/// `getSigningKeys()`, `getKeys()` and a refresh.
#[napi(object)]
pub struct FetchRequest {
    /// `Date.now()`.
    pub now: f64,
    /// The rate limiter's clocks, when the fetch is charged to it.
    pub limiter: Option<LimiterReading>,
    /// Someone subscribes to a diagnostics channel: say what fetch ended.
    pub watch: Option<bool>,
    /// For `signingKeys`: answer from the set in use, without a fetch; the
    /// revision of the keys the shim holds (-1: none), which are then not
    /// sent again.
    pub cached: Option<f64>,
}

impl LookupRequest {
    /// The core's view of this lookup.
    pub fn lookup(&self) -> Lookup {
        Lookup {
            load: self.load,
            seen_at: self.seen_at.map(clock_ms),
            ..charged_at(self.now, self.limiter.as_ref())
        }
    }
}

impl FetchRequest {
    /// The core's view of this fetch, as a load at `now`.
    pub fn lookup(&self) -> Lookup {
        charged_at(self.now, self.limiter.as_ref())
    }
}

fn charged_at(now: f64, limiter: Option<&LimiterReading>) -> Lookup {
    Lookup {
        limiter: limiter.map(LimiterReading::clock).unwrap_or_default(),
        waited: limiter.and_then(|l| l.waited).unwrap_or(false),
        ..Lookup::at(clock_ms(now))
    }
}
