//! Fetches nobody waits for a key from: `reload()`, `warm()`, refresh-ahead
//! and the background refresh, and the health report they keep current.
//!
//! A refresh joins the fetch in flight or starts one, charged to the rate
//! limiter like a lookup; it never answers a lookup, so whatever it ends
//! with, the cached set keeps answering until its own expiry. The shim
//! only keeps the timer and says what triggered each refresh; whether it
//! fetches, and from when a hit asks for the next, is decided here. A
//! refresh that succeeds drops the kids the set in use no longer lists
//! (see `state::cache::forget`).

use std::sync::Arc;

use super::{Client, Lookup};
use crate::Millis;
use crate::error::Error;
use crate::keys::keyset::{KeySet, KidQuery};
use crate::state::cache::{Hit, KeyCache};

mod plan;
pub use plan::{RefreshPlan, Trigger};

/// The last failed fetch, kept until a fetch succeeds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// When the failed fetch started, on the caller's clock.
    pub at: Millis,
    /// Why it failed: the transport, the status or the content of the set.
    pub error: Error,
}

/// A failed fetch as the client keeps it: `error` is `None` when the body
/// arrived but held no usable set (that error stays with the last fetch).
#[derive(Debug, Clone)]
pub(super) struct FailedFetch {
    pub(super) at: Millis,
    pub(super) error: Option<Error>,
}

/// What `client.health()` reports, from the client's state at one instant.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Health {
    /// When the set in use was fetched (`None` before the first good fetch);
    /// without a cache, when the last good fetch was.
    pub fetched_at: Option<Millis>,
    /// Until when that set is fresh: `Some(None)` for ever (`cacheMaxAge: 0`).
    pub fresh_until: Option<Option<Millis>>,
    /// Signing keys in the set in use.
    pub keys: usize,
    /// The last fetch, if it failed and none succeeded since.
    pub last_error: Option<Failure>,
}

impl Health {
    /// Whether the set in use is fresh at `now`.
    pub fn is_fresh(&self, now: Millis) -> bool {
        match self.fresh_until {
            Some(until) => until.is_none_or(|until| now <= until),
            None => false,
        }
    }
}

/// What a refresh ends with: the set in use, and whether it was fetched
/// for this refresh (or joined) rather than found new enough.
#[derive(Debug, Clone)]
pub struct Refreshed {
    /// The set in use after the refresh.
    pub set: Arc<KeySet>,
    /// Whether the endpoint was asked.
    pub fetched: bool,
}

impl Client {
    /// A refresh for `trigger`: answered from the set in use when it is
    /// already as new as the trigger asks (see [`RefreshPlan`]), else a
    /// fetch now, joining a fetch under way, charged to the rate limiter as
    /// a lookup at `lookup`. A failed refresh-ahead leaves the rest of its
    /// set's life to lookups.
    ///
    /// # Errors
    /// [`Error::JwksRateLimitError`] when the limiter refuses,
    /// [`Error::RateLimitWait`] when it makes the refresh wait, or the
    /// failure of the fetch or of its content.
    pub async fn refresh(&self, trigger: Trigger, lookup: Lookup) -> Result<Refreshed, Error> {
        if let Some(set) = self.new_enough(trigger, lookup.now) {
            self.prune_unlisted();
            return Ok(Refreshed {
                set,
                fetched: false,
            });
        }
        let fetched = async {
            self.shared_fetch(lookup.now, Some(&lookup))?
                .await?
                .set
                .clone()
        };
        match fetched.await {
            Ok(set) => {
                self.prune_unlisted();
                Ok(Refreshed { set, fetched: true })
            }
            Err(err) => {
                if trigger == Trigger::RefreshAhead {
                    self.spend_window();
                }
                Err(err)
            }
        }
    }

    /// The set in use, when it already satisfies `trigger` at `now`.
    fn new_enough(&self, trigger: Trigger, now: Millis) -> Option<Arc<KeySet>> {
        let state = self.state.lock();
        let cache = state.cache.as_ref()?;
        let (at, until) = cache.current_set()?;
        if !self.config.refresh.already_fresh(trigger, at, until, now) {
            return None;
        }
        state.last.as_ref()?.set.clone().ok()
    }

    fn spend_window(&self) {
        let mut state = self.state.lock();
        let until = state.cache.as_ref().and_then(KeyCache::current_set);
        if let Some((_, Some(until))) = until {
            state.ahead_spent_until = state.ahead_spent_until.max(until.saturating_add(1));
        }
    }

    /// The cache's answers for the kids the memo holds, after a refresh: as
    /// loads answered from the fresh set, but not counted as lookups;
    /// `None` for a kid the set does not list.
    pub fn renewed(&self, queries: &[KidQuery], now: Millis) -> Vec<Option<Hit>> {
        let mut state = self.state.lock();
        let Some(cache) = state.cache.as_mut() else {
            return vec![None; queries.len()];
        };
        queries
            .iter()
            .map(|query| cache.lookup(query, now, true)?.ok())
            .collect()
    }

    /// From when a memo hit on the set in use starts a refresh-ahead;
    /// `None` without `refreshAhead`, so the answers of a client without it
    /// take no lock for it.
    pub fn refresh_ahead_from(&self) -> Option<Millis> {
        (self.config.refresh.ahead > 0)
            .then(|| self.refresh_from())
            .flatten()
    }

    /// From when a memo hit on the set in use starts a refresh (see
    /// [`RefreshPlan::refresh_from`]); `None`: never.
    pub fn refresh_from(&self) -> Option<Millis> {
        let state = self.state.lock();
        let (at, until) = state.cache.as_ref()?.current_set()?;
        self.config
            .refresh
            .refresh_from(at, until, state.ahead_spent_until)
    }

    /// The kids of the last set fetched, in order.
    pub fn current_kids(&self) -> Vec<Option<String>> {
        let state = self.state.lock();
        let set = state.last.as_ref().and_then(|f| f.set.as_ref().ok());
        set.map_or_else(Vec::new, |set| {
            set.keys().iter().map(|k| k.kid.clone()).collect()
        })
    }

    /// The health of the cache and of the last fetch.
    pub fn health(&self) -> Health {
        let state = self.state.lock();
        let current = state.cache.as_ref().and_then(|c| c.current_set());
        // Without a cache no set is in use: the last good fetch is reported.
        let last_good = || {
            let last = state.last.as_ref()?;
            last.set.is_ok().then_some(last.at)
        };
        Health {
            fetched_at: current.map(|(at, _)| at).or_else(last_good),
            fresh_until: current.map(|(_, until)| until),
            keys: state.counted_stats().keys,
            last_error: state.last_error.as_ref().and_then(|failed| {
                let content = || state.last.as_ref().and_then(|f| f.set.clone().err());
                let error = failed.error.clone().or_else(content)?;
                Some(Failure {
                    at: failed.at,
                    error,
                })
            }),
        }
    }
}

#[cfg(test)]
mod tests;
