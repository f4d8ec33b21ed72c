//! Orchestration of one client: cache, then rate limit, then interceptor,
//! then one shared fetch.
//!
//! Every miss that arrives while a fetch is under way waits for that fetch
//! instead of starting another, whatever kid it asks for; the fetch ends by
//! the source's deadline, so every waiter is answered.
//!
//! With the shim's memo in front, the two sides split the cache decisions
//! so that each is taken where its information is (see `lib/key-memo.js`):
//!
//! - expiry: here. A key is fresh for `cacheMaxAge` from the fetch that
//!   last listed it; the memo reuses an answer until the expiry given here.
//! - recency and retention for `cacheMaxEntries`: in the memo, which sees
//!   every hit. It decides, as jwks-rsa's memoizer does, whether a lookup
//!   is a *load* (a memoizer miss) and says so with each lookup ([`Lookup`]).
//! - the stale store and stale eligibility: here, from the loads and the
//!   failed loads, the only events that move jwks-rsa's stale store; a
//!   lookup that is not a load never moves it. When such a lookup finds the
//!   endpoint down, the memo answers it as jwks-rsa's memoizer would.
//! - the rate limit: here, on the clocks the shim reads for it.

use std::sync::Arc;

use crate::state::mutex::Mutex;
use serde_json::Value;

use crate::Millis;
use crate::error::Error;
use crate::keys::key_types::KeyTypes;
use crate::keys::keyset::{KeySet, KidQuery, SigningKey};
use crate::source::{Interceptor, KeySource};
use crate::state::cache::{CacheConfig, Hit, KeyCache};
use crate::state::rate_limit::{Admission, FetchLimiter, LimiterClock};
use crate::state::stats::Stats;

/// Behaviour of a client, from its options.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientConfig {
    /// `cache`: `None` when caching is off.
    pub cache: Option<CacheConfig>,
    /// `rateLimit` with `jwksRequestsPerMinute`: `None` when off.
    pub requests_per_minute: Option<u32>,
    /// After a fetch, unknown kids are refused without fetching for this long.
    pub unknown_kid_cooldown: Option<Millis>,
    /// The limiter's clocks when the client was created: its first interval
    /// starts then.
    pub created_at: LimiterClock,
    /// `conditionalRequests`, `respectCacheControl`, `minCacheAge`.
    pub freshness: Freshness,
    /// Key types served beyond jwks-rsa 4.1.0's (`x5cOnlyKeys`, `secp256k1`).
    pub key_types: KeyTypes,
    /// `refreshAhead` and `backgroundRefresh`.
    pub refresh: RefreshPlan,
}

/// One `getSigningKey` lookup past the memo, as the shim saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Lookup {
    /// `Date.now()` at the lookup.
    pub now: Millis,
    /// Whether jwks-rsa's memoizer would miss: only loads, and the failures
    /// of loads, move the stale store.
    pub load: bool,
    /// When the shim's memo last served the kid, if it remembers it.
    pub seen_at: Option<Millis>,
    /// The rate limiter's clocks at the lookup.
    pub limiter: LimiterClock,
    /// Set when the lookup already waited for a token: only the bucket is
    /// tried again.
    pub waited: bool,
}

impl Lookup {
    /// A load at `now`, with both limiter clocks reading `now`.
    pub fn at(now: Millis) -> Self {
        Lookup {
            now,
            load: true,
            seen_at: None,
            limiter: LimiterClock {
                monotonic: now,
                wall: now,
            },
            waited: false,
        }
    }
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
    inflight: Option<SharedFetch>,
    /// The last fetch that produced a body, for logs and diagnostics.
    last: Option<Arc<Fetched>>,
    /// The last fetch, when it failed and none succeeded since.
    last_error: Option<FailedFetch>,
    stats: Stats,
    /// What a fetched body is read with; fixed for the client's life.
    key_types: KeyTypes,
    /// A failed refresh-ahead leaves its set's life to lookups until then.
    ahead_spent_until: Millis,
    /// Bumped by each `forget()`: a fetch or lookup begun before it may
    /// not store what it brings (see `forget`).
    epoch: u64,
    /// The last set fetched with signing keys, whose keys the counters
    /// count when read.
    counted: Option<Arc<KeySet>>,
}

/// What bounds a client's requests: the rate limiter, and when a set was
/// last fetched (the unknown-kid cooldown runs from it). A client has its
/// own; the clients of one issuer share one, so a discovery document naming
/// one `jwks_uri` after another never buys a fresh budget.
#[derive(Debug, Default)]
pub struct Gate {
    limiter: Option<FetchLimiter>,
    set_fetched_at: Option<Millis>,
}

/// A JWKS client: the behaviour of jwks-rsa's `JwksClient`, without JavaScript.
pub struct Client {
    config: ClientConfig,
    source: Arc<dyn KeySource>,
    interceptor: Option<Arc<dyn Interceptor>>,
    state: Arc<Mutex<State>>,
    gate: Arc<Mutex<Gate>>,
}

impl Client {
    /// A client fetching from `source`.
    pub fn new(config: ClientConfig, source: Arc<dyn KeySource>) -> Self {
        let gate = Gate {
            limiter: config
                .requests_per_minute
                .map(|n| FetchLimiter::new(n, config.created_at)),
            set_fetched_at: None,
        };
        let state = State {
            cache: config.cache.map(KeyCache::new),
            inflight: None,
            last: None,
            last_error: None,
            stats: Stats::default(),
            key_types: config.key_types,
            ahead_spent_until: 0,
            epoch: 0,
            counted: None,
        };
        Client {
            config,
            source,
            interceptor: None,
            state: Arc::new(Mutex::new(state)),
            gate: Arc::new(Mutex::new(gate)),
        }
    }

    /// Takes `other`'s rate limiter and cooldown instead of its own: both
    /// clients then draw on one budget (the clients of one issuer).
    pub fn sharing_gate_of(mut self, other: &Client) -> Self {
        self.gate = Arc::clone(&other.gate);
        self
    }

    /// Consults `interceptor` on every cache miss before the endpoint.
    pub fn with_interceptor(mut self, interceptor: Arc<dyn Interceptor>) -> Self {
        self.interceptor = Some(interceptor);
        self
    }

    /// The behaviour it was made with.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> Stats {
        let mut stats = self.state.lock().counted_stats();
        let gate = self.gate.lock();
        stats.rate_limit_remaining = gate.limiter.as_ref().map(FetchLimiter::remaining);
        stats
    }

    /// The key of `kid` that verifies a token signed with `alg` in the last
    /// set fetched (see [`KeySet::find_for_alg`]).
    pub fn key_for_alg(&self, kid: &str, alg: &str) -> Option<Arc<SigningKey>> {
        let state = self.state.lock();
        let set = state.last.as_ref()?.set.as_ref().ok()?;
        set.find_for_alg(kid, alg).cloned()
    }

    /// The last fetch that produced a body, if any.
    pub fn last_fetch(&self) -> Option<Arc<Fetched>> {
        self.state.lock().last.clone()
    }

    /// Answers from the cache alone; `None` means a fetch is needed. `load`
    /// says whether jwks-rsa's memoizer would miss (see [`Lookup::load`]).
    pub fn cached(&self, query: &KidQuery, now: Millis, load: bool) -> Option<Result<Hit, Error>> {
        let mut state = self.state.lock();
        let answer = state.cache.as_mut()?.lookup(query, now, load);
        if answer.is_some() {
            state.stats.cache_hits += 1;
        }
        answer
    }

    /// `getSigningKey(kid)`.
    ///
    /// # Errors
    /// The jwks-rsa error for the lookup: not found, rate limited, or the
    /// fetch failure when no stale key may stand in; or
    /// [`Error::RateLimitWait`] when the limiter makes the lookup wait.
    pub async fn signing_key(&self, query: KidQuery, lookup: Lookup) -> Result<Resolved, Error> {
        let now = lookup.now;
        if let Some(answer) = self.cached(&query, now, lookup.load) {
            return answer.map(|hit| self.resolved(hit, false));
        }
        self.refuse_unknown_in_cooldown(&query, now)?;
        match self.load(&query, lookup).await {
            Err(err) if lookup.load && err.is_endpoint_unavailable() => {
                self.stale(query, lookup, err)
            }
            answer => answer,
        }
    }

    fn stale(&self, query: KidQuery, lookup: Lookup, err: Error) -> Result<Resolved, Error> {
        let mut state = self.state.lock();
        let stale = state
            .cache
            .as_mut()
            .and_then(|c| c.stale(&query, lookup.now, lookup.seen_at));
        let Some(hit) = stale else {
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
        let own = state.cache.as_ref().and_then(KeyCache::fetched_at);
        let recent = own
            .max(self.gate.lock().set_fetched_at)
            .is_some_and(|at| now.saturating_sub(at) < cooldown);
        if recent && *query != KidQuery::Absent {
            state.stats.cooldown_refusals += 1;
            return Err(Error::SigningKeyNotFoundError(query.not_found_message()));
        }
        Ok(())
    }

    /// The miss path: rate limit, interceptor, then the shared fetch.
    async fn load(&self, query: &KidQuery, lookup: Lookup) -> Result<Resolved, Error> {
        if let Some(interceptor) = &self.interceptor {
            self.charge(&lookup)?;
            if let Some(resolved) = self.intercept(interceptor.as_ref(), query, lookup).await? {
                return Ok(resolved);
            }
        }
        let charge = self.interceptor.is_none().then_some(&lookup);
        let (fetched, epoch) = match self.fetch_for(query, &lookup, charge)? {
            Pending::Cached(answer) => return answer.map(|hit| self.resolved(hit, false)),
            Pending::Fetch(fetch, epoch) => (fetch.await?, epoch),
        };
        let set = fetched.set.clone()?;
        let key = Arc::clone(set.select(query)?);
        let confirmed = Confirmed {
            at: fetched.at,
            lifetime: fetched.lifetime,
            epoch,
        };
        Ok(self.answered(query, key, confirmed, lookup, true))
    }

    fn resolved(&self, hit: Hit, from_endpoint: bool) -> Resolved {
        Resolved {
            hit,
            cacheable: self.config.cache.is_some(),
            stale_because: None,
            from_endpoint,
        }
    }

    /// Records the key that answered `query`, as `confirmed` says, and says
    /// until when it may be reused. Without a cache, or when a `forget()`
    /// came since the lookup asked (the key may be the forgotten one), the
    /// answer is good for this lookup only and nothing is kept.
    fn answered(
        &self,
        query: &KidQuery,
        key: Arc<SigningKey>,
        confirmed: Confirmed,
        lookup: Lookup,
        from_endpoint: bool,
    ) -> Resolved {
        let loaded_at = lookup.load.then_some(lookup.now);
        let mut state = self.state.lock();
        let current = state.epoch == confirmed.epoch;
        match state.cache.as_mut().filter(|_| current) {
            Some(cache) => {
                let hit =
                    cache.store_key_for(query, key, confirmed.at, loaded_at, confirmed.lifetime);
                self.resolved(hit, from_endpoint)
            }
            None => Resolved {
                cacheable: false,
                ..self.resolved(
                    Hit {
                        key,
                        fresh_until: Some(lookup.now),
                    },
                    from_endpoint,
                )
            },
        }
    }

    fn charge(&self, lookup: &Lookup) -> Result<(), Error> {
        admit(&self.gate, &mut self.state.lock(), lookup)
    }

    async fn intercept(
        &self,
        interceptor: &dyn Interceptor,
        query: &KidQuery,
        lookup: Lookup,
    ) -> Result<Option<Resolved>, Error> {
        let epoch = self.state.lock().epoch;
        let Some(json) = interceptor.keys().await? else {
            return Ok(None);
        };
        let entries: Vec<Value> = match crate::keys::json::parse(&json) {
            Ok(Value::Array(entries)) if !entries.is_empty() => entries,
            _ => return Ok(None),
        };
        let Ok(set) = KeySet::from_entries_with(&entries, self.config.key_types) else {
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
        let confirmed = Confirmed {
            at: lookup.now,
            lifetime: None,
            epoch,
        };
        Ok(Some(self.answered(query, key, confirmed, lookup, false)))
    }

    /// `getSigningKeys()`: always asks the endpoint, as jwks-rsa does, but
    /// shares a fetch already under way.
    ///
    /// # Errors
    /// The fetch failure, or the content error of the set.
    pub async fn signing_keys(&self, now: Millis) -> Result<Arc<KeySet>, Error> {
        let fetched = self.shared_fetch(now, None)?.await?;
        fetched.set.clone()
    }

    /// `getKeys()`: the body of a fresh fetch, parsed by the caller.
    ///
    /// # Errors
    /// The fetch failure.
    pub async fn document(&self, now: Millis) -> Result<Arc<str>, Error> {
        let fetched = self.shared_fetch(now, None)?.await?;
        Ok(Arc::clone(&fetched.body))
    }

    /// [`Client::document`] charged to the rate limiter as a lookup at
    /// `lookup` (an issuer's discovery document, which the limiter of its
    /// key set bounds too).
    ///
    /// # Errors
    /// As [`Client::document`], and the limiter's refusal or wait.
    pub async fn charged_document(&self, lookup: Lookup) -> Result<Arc<str>, Error> {
        let fetched = self.shared_fetch(lookup.now, Some(&lookup))?.await?;
        Ok(Arc::clone(&fetched.body))
    }
}

/// Where and when a key was confirmed: by its source at `at`, for
/// `lifetime` (`None`: `cacheMaxAge`), for a lookup that asked at `epoch`.
#[derive(Debug, Clone, Copy)]
struct Confirmed {
    at: Millis,
    lifetime: Option<Millis>,
    epoch: u64,
}

impl State {
    /// The counters, with the keys of the last set counted now: counting
    /// converts every key, which a cold lookup of one key must not wait for.
    fn counted_stats(&self) -> Stats {
        let mut stats = self.stats.clone();
        if let Some(set) = &self.counted {
            stats.keys = set.keys().len();
            stats.skipped = set.skipped().len();
        }
        stats
    }
}

/// Asks the limiter, if any, for the fetch of `lookup`.
fn admit(gate: &Mutex<Gate>, state: &mut State, lookup: &Lookup) -> Result<(), Error> {
    let mut gate = gate.lock();
    let Some(limiter) = gate.limiter.as_mut() else {
        return Ok(());
    };
    let admission = if lookup.waited {
        limiter.retry(lookup.limiter.wall)
    } else {
        limiter.try_acquire(lookup.limiter)
    };
    match admission {
        Admission::Admitted => Ok(()),
        Admission::Wait(ms) => Err(Error::RateLimitWait(ms)),
        Admission::Refused => {
            state.stats.rate_limited += 1;
            Err(Error::JwksRateLimitError)
        }
    }
}

mod forget;
mod refresh;
mod revalidate;
mod single_flight;
#[cfg(test)]
pub(crate) mod tests;

pub use forget::CachedKeys;
use refresh::FailedFetch;
pub use refresh::{Failure, Health, RefreshPlan, Refreshed, Trigger};
pub use revalidate::Freshness;
pub use single_flight::Fetched;
use single_flight::{Pending, SharedFetch};
