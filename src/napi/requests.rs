//! What the shim sends with each call past its memo: the lookup, the clock
//! readings the core decides with (the shim's, so that faked timers drive
//! expiry and rate limiting as they do with jwks-rsa), and whether anyone
//! watches the diagnostics channels.

use napi_derive::napi;

use super::config::{LimiterReading, clock_ms};
use crate::error::Error;
use crate::keys::keyset::KidQuery;
use crate::state::cache::Hit;
use crate::state::client::{Client, Lookup};

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
    /// A token's `alg`, from a framework helper with `selectByAlg` whose
    /// key for the kid did not fit it: the answer is then the key of the kid
    /// that fits (see [`crate::keys::alg_fit`]), never memoized by the shim.
    pub alg: Option<String>,
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

/// A lookup's `alg`, and the not-found message of its kid.
pub struct AlgFit {
    alg: String,
    kid: Option<String>,
    missing: String,
}

impl AlgFit {
    /// What a lookup of `query` with `alg` asks of the key, if it gives one.
    pub fn of(alg: Option<String>, query: &KidQuery) -> Option<Self> {
        let alg = alg?;
        let kid = match query {
            KidQuery::Kid(kid) => Some(kid.clone()),
            _ => None,
        };
        Some(AlgFit {
            alg,
            kid,
            missing: query.not_found_message(),
        })
    }

    /// The key of `hit`'s kid that fits the `alg` (itself, or a later key
    /// of its kid in `client`'s set), or the kid's not-found error when none
    /// does. Without `fit`, `hit` itself.
    ///
    /// # Errors
    /// `SigningKeyNotFoundError` when no key of the kid fits.
    pub fn apply(fit: Option<&AlgFit>, hit: Hit, client: &Client) -> Result<Hit, Error> {
        let Some(fit) = fit else { return Ok(hit) };
        if hit.key.fits(&fit.alg) {
            return Ok(hit);
        }
        let other = fit
            .kid
            .as_deref()
            .and_then(|kid| client.key_for_alg(kid, &fit.alg));
        match other {
            Some(key) => Ok(Hit { key, ..hit }),
            None => Err(Error::SigningKeyNotFoundError(fit.missing.clone())),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lookup_carries_the_shims_clocks_and_its_load_flags() {
        let request = LookupRequest {
            kid: Some("a".into()),
            matchable: true,
            now: 1_000.7,
            load: false,
            seen_at: Some(900.0),
            limiter: Some(LimiterReading {
                monotonic: 5.0,
                wall: 1_000.0,
                waited: Some(true),
            }),
            watch: None,
            alg: None,
        };
        let lookup = request.lookup();
        assert_eq!(
            (lookup.now, lookup.load, lookup.seen_at),
            (1_000, false, Some(900))
        );
        assert_eq!((lookup.limiter.monotonic, lookup.limiter.wall), (5, 1_000));
        assert!(lookup.waited);
    }

    #[test]
    fn a_fetch_without_limiter_readings_is_a_load_that_never_waited() {
        let request = FetchRequest {
            now: f64::NAN,
            limiter: None,
            watch: Some(true),
            cached: None,
        };
        let lookup = request.lookup();
        assert_eq!(lookup.now, 0, "nonsense reads as 0");
        assert!(lookup.load && !lookup.waited);
    }
}
