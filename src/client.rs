//! Orchestration of one client: cache, then rate limit, then interceptor,
//! then one shared fetch.
//!
//! Every miss that arrives while a fetch is under way waits for that fetch
//! instead of starting another, whatever kid it asks for; the fetch ends by
//! the source's deadline, so every waiter is answered.

use std::sync::Arc;

use parking_lot::Mutex;
use serde_json::Value;

use crate::cache::{CacheConfig, Hit, KeyCache, Millis};
use crate::error::Error;
use crate::fetch::{Interceptor, KeySource};
use crate::keyset::{KeySet, KidQuery, SigningKey};
use crate::rate_limit::FetchLimiter;
use crate::stats::Stats;

/// Behaviour of a client, from its options.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientConfig {
    /// `cache`: `None` when caching is off.
    pub cache: Option<CacheConfig>,
    /// `rateLimit` with `jwksRequestsPerMinute`: `None` when off.
    pub requests_per_minute: Option<u32>,
    /// After a fetch, unknown kids are refused without fetching for this long.
    pub unknown_kid_cooldown: Option<Millis>,
}

/// The answer to a signing-key lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The key, and until when it may be reused without asking again.
    pub hit: Hit,
    /// Whether the answer may be memoized at all (`cache: true`).
    pub cacheable: bool,
    /// Set when the key is a stale one served because the endpoint failed.
    pub stale_because: Option<Error>,
    /// Whether answering asked the endpoint (a fetch was started or joined).
    pub from_endpoint: bool,
}

struct State {
    cache: Option<KeyCache>,
    limiter: Option<FetchLimiter>,
    inflight: Option<SharedFetch>,
    /// The last fetch that produced a body, for logs and diagnostics.
    last: Option<Arc<Fetched>>,
    stats: Stats,
}

/// A JWKS client: the behaviour of jwks-rsa's `JwksClient`, without JavaScript.
pub struct Client {
    config: ClientConfig,
    source: Arc<dyn KeySource>,
    interceptor: Option<Arc<dyn Interceptor>>,
    state: Arc<Mutex<State>>,
}

impl Client {
    /// A client fetching from `source`.
    pub fn new(config: ClientConfig, source: Arc<dyn KeySource>) -> Self {
        let state = State {
            cache: config.cache.map(KeyCache::new),
            limiter: config.requests_per_minute.map(FetchLimiter::new),
            inflight: None,
            last: None,
            stats: Stats::default(),
        };
        Client {
            config,
            source,
            interceptor: None,
            state: Arc::new(Mutex::new(state)),
        }
    }

    /// Consults `interceptor` on every cache miss before the endpoint.
    pub fn with_interceptor(mut self, interceptor: Arc<dyn Interceptor>) -> Self {
        self.interceptor = Some(interceptor);
        self
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> Stats {
        let state = self.state.lock();
        let mut stats = state.stats.clone();
        stats.rate_limit_remaining = state.limiter.as_ref().map(FetchLimiter::remaining);
        stats
    }

    /// The last fetch that produced a body, if any.
    pub fn last_fetch(&self) -> Option<Arc<Fetched>> {
        self.state.lock().last.clone()
    }

    /// Answers from the cache alone; `None` means a fetch is needed.
    pub fn cached(&self, query: &KidQuery, now: Millis) -> Option<Result<Hit, Error>> {
        let mut state = self.state.lock();
        let answer = state.cache.as_mut()?.lookup(query, now);
        if answer.is_some() {
            state.stats.cache_hits += 1;
        }
        answer
    }

    /// `getSigningKey(kid)`.
    ///
    /// # Errors
    /// The jwks-rsa error for the lookup: not found, rate limited, or the
    /// fetch failure when no stale key may stand in.
    pub async fn signing_key(&self, query: KidQuery, now: Millis) -> Result<Resolved, Error> {
        let cacheable = self.config.cache.is_some();
        if let Some(answer) = self.cached(&query, now) {
            return answer.map(|hit| Resolved {
                hit,
                cacheable,
                stale_because: None,
                from_endpoint: false,
            });
        }
        self.refuse_unknown_in_cooldown(&query, now)?;
        match self.load(&query, now).await {
            Ok((hit, from_endpoint)) => Ok(Resolved {
                hit,
                cacheable,
                stale_because: None,
                from_endpoint,
            }),
            Err(err) if err.is_endpoint_unavailable() => self.stale(query, now, err),
            Err(err) => Err(err),
        }
    }

    fn stale(&self, query: KidQuery, now: Millis, err: Error) -> Result<Resolved, Error> {
        let mut state = self.state.lock();
        let Some(hit) = state.cache.as_mut().and_then(|c| c.stale(&query, now)) else {
            return Err(err);
        };
        state.stats.stale_served += 1;
        Ok(Resolved {
            hit,
            cacheable: true,
            stale_because: Some(err),
            from_endpoint: true,
        })
    }

    fn refuse_unknown_in_cooldown(&self, query: &KidQuery, now: Millis) -> Result<(), Error> {
        let Some(cooldown) = self.config.unknown_kid_cooldown else {
            return Ok(());
        };
        let mut state = self.state.lock();
        let recent = state
            .cache
            .as_ref()
            .and_then(|c| c.fetched_at())
            .is_some_and(|at| now.saturating_sub(at) < cooldown);
        if recent && *query != KidQuery::Absent {
            state.stats.cooldown_refusals += 1;
            return Err(Error::SigningKeyNotFoundError(query.not_found_message()));
        }
        Ok(())
    }

    /// The miss path: rate limit, interceptor, then the shared fetch. Says
    /// whether the endpoint was asked.
    async fn load(&self, query: &KidQuery, now: Millis) -> Result<(Hit, bool), Error> {
        if let Some(interceptor) = &self.interceptor {
            self.charge(now)?;
            if let Some(hit) = self.intercept(interceptor.as_ref(), query, now).await? {
                return Ok((hit, false));
            }
        }
        let charge = self.interceptor.is_none();
        let fetched = self.shared_fetch(now, charge)?.await?;
        let set = fetched.set.clone()?;
        let key = Arc::clone(set.select(query)?);
        Ok((self.answered(query, key, fetched.at, now), true))
    }

    /// Records the key that answered `query`, confirmed by its source at
    /// `confirmed_at`, and says until when it may be reused. Without a
    /// cache the answer is good for this lookup only.
    fn answered(
        &self,
        query: &KidQuery,
        key: Arc<SigningKey>,
        confirmed_at: Millis,
        now: Millis,
    ) -> Hit {
        match self.state.lock().cache.as_mut() {
            Some(cache) => cache.store_key(query, key, confirmed_at),
            None => Hit {
                key,
                fresh_until: Some(now),
            },
        }
    }

    fn charge(&self, now: Millis) -> Result<(), Error> {
        let mut state = self.state.lock();
        let allowed = state.limiter.as_mut().is_none_or(|l| l.try_acquire(now));
        if !allowed {
            state.stats.rate_limited += 1;
            return Err(Error::JwksRateLimitError);
        }
        Ok(())
    }

    async fn intercept(
        &self,
        interceptor: &dyn Interceptor,
        query: &KidQuery,
        now: Millis,
    ) -> Result<Option<Hit>, Error> {
        let Some(json) = interceptor.keys().await? else {
            return Ok(None);
        };
        let entries: Vec<Value> = match crate::json::parse(&json) {
            Ok(Value::Array(entries)) if !entries.is_empty() => entries,
            _ => return Ok(None),
        };
        let Ok(set) = KeySet::from_entries(&entries) else {
            return Ok(None);
        };
        // jwks-rsa takes the interceptor's first key for any falsy kid.
        let key = match query {
            KidQuery::Kid(kid) if !kid.is_empty() => set.find(kid),
            KidQuery::Unmatchable(_) => None,
            _ => set.keys().first(),
        };
        let Some(key) = key.cloned() else {
            return Ok(None);
        };
        Ok(Some(self.answered(query, key, now, now)))
    }

    /// `getSigningKeys()`: always asks the endpoint, as jwks-rsa does, but
    /// shares a fetch already under way.
    ///
    /// # Errors
    /// The fetch failure, or the content error of the set.
    pub async fn signing_keys(&self, now: Millis) -> Result<Arc<KeySet>, Error> {
        let fetched = self.shared_fetch(now, false)?.await?;
        fetched.set.clone()
    }

    /// `getKeys()`: the body of a fresh fetch, parsed by the caller.
    ///
    /// # Errors
    /// The fetch failure.
    pub async fn document(&self, now: Millis) -> Result<Arc<str>, Error> {
        let fetched = self.shared_fetch(now, false)?.await?;
        Ok(Arc::clone(&fetched.body))
    }
}

mod shared_fetch;
#[cfg(test)]
mod tests;

pub use shared_fetch::Fetched;
use shared_fetch::SharedFetch;
