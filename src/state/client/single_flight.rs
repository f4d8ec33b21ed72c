//! The single fetch in flight: started by the first miss, joined by every
//! other, parsed once, and always cleared when it ends.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use crate::state::mutex::Mutex;
use futures_util::FutureExt;
use futures_util::future::{BoxFuture, Shared};

use super::revalidate::{self, Policy};
use super::{Client, FailedFetch, Gate, Lookup, State, admit};
use crate::Millis;
use crate::error::Error;
use crate::keys::key_types::KeyTypes;
use crate::keys::keyset::{KeySet, KidQuery};
use crate::source::KeySource;
use crate::source::headers::Validators;
use crate::state::cache::Hit;

/// One fetch, parsed once and shared by all its waiters.
#[derive(Debug)]
pub struct Fetched {
    /// The body as received, for `getKeys()`.
    pub body: Arc<str>,
    /// The signing keys, or why there are none.
    pub set: Result<Arc<KeySet>, Error>,
    /// When the fetch started, on the caller's clock.
    pub at: Millis,
    /// How long the set stays fresh when the response said so
    /// (`respectCacheControl`), already clamped; `None`: `cacheMaxAge`.
    pub lifetime: Option<Millis>,
    /// What the next fetch sends to revalidate the set (`conditionalRequests`).
    pub validators: Option<Validators>,
}

pub(super) type SharedFetch = Shared<BoxFuture<'static, Result<Arc<Fetched>, Error>>>;

/// What a lookup past the cache waits for.
pub(super) enum Pending {
    /// The cache's answer: a fetch ended between the lookup's own cache
    /// check and this point (another thread's lookup can complete one).
    Cached(Result<Hit, Error>),
    /// The fetch under way, joined or just started, and the client's epoch
    /// when it was asked for.
    Fetch(SharedFetch, u64),
}

impl Client {
    /// Joins the fetch under way, or starts one (charging the rate limiter
    /// for the lookup `charge`, if given).
    pub(super) fn shared_fetch(
        &self,
        now: Millis,
        charge: Option<&Lookup>,
    ) -> Result<SharedFetch, Error> {
        self.join_or_start(&mut self.state.lock(), now, charge)
    }

    /// [`Client::shared_fetch`] for a lookup that found the cache without an
    /// answer: when no fetch is under way, the cache is asked again under
    /// the same lock that would start one, so a lookup that lost the race
    /// with a fetch's end is answered by that fetch instead of another.
    pub(super) fn fetch_for(
        &self,
        query: &KidQuery,
        lookup: &Lookup,
        charge: Option<&Lookup>,
    ) -> Result<Pending, Error> {
        let mut state = self.state.lock();
        if state.inflight.is_none() {
            let answer = state
                .cache
                .as_mut()
                .and_then(|cache| cache.lookup(query, lookup.now, lookup.load));
            if let Some(answer) = answer {
                state.stats.cache_hits += 1;
                return Ok(Pending::Cached(answer));
            }
        }
        let epoch = state.epoch;
        self.join_or_start(&mut state, lookup.now, charge)
            .map(|fetch| Pending::Fetch(fetch, epoch))
    }

    fn join_or_start(
        &self,
        state: &mut State,
        now: Millis,
        charge: Option<&Lookup>,
    ) -> Result<SharedFetch, Error> {
        if let Some(inflight) = state.inflight.clone() {
            state.stats.coalesced += 1;
            return Ok(inflight);
        }
        if let Some(lookup) = charge {
            admit(&self.gate, state, lookup)?;
        }
        let policy = self.config.freshness.policy(self.config.cache.as_ref());
        let fetch = run_fetch(
            Arc::clone(&self.source),
            Arc::clone(&self.state),
            Arc::clone(&self.gate),
            (now, state.epoch),
            policy,
        )
        .boxed()
        .shared();
        state.inflight = Some(fetch.clone());
        state.stats.fetches += 1;
        Ok(fetch)
    }
}

/// Fetches, parses once, stores the set, and always clears the in-flight
/// slot: even a panic in a source must not leave later lookups waiting on a
/// poisoned fetch. A fetch started before a `forget()` (`epoch` is the
/// client's when it started) was let go by it: it stores nothing, since
/// its set may predate what was forgotten, and the slot is another's.
async fn run_fetch(
    source: Arc<dyn KeySource>,
    state: Arc<Mutex<State>>,
    gate: Arc<Mutex<Gate>>,
    (at, epoch): (Millis, u64),
    policy: Option<Policy>,
) -> Result<Arc<Fetched>, Error> {
    let fetch = async {
        match policy {
            Some(policy) => revalidate::fetch_reply(source.as_ref(), &state, at, policy).await,
            None => fetch_and_parse(source.as_ref(), &state, at).await,
        }
    };
    let result = AssertUnwindSafe(fetch)
        .catch_unwind()
        .await
        .unwrap_or_else(|_| Err(Error::unavailable("Internal error while fetching the JWKS")));
    let mut state = state.lock();
    if state.epoch != epoch {
        if !result.as_ref().is_ok_and(|f| f.set.is_ok()) {
            state.stats.fetch_errors += 1;
        }
        return result;
    }
    state.inflight = None;
    // A set that failed to parse stays in `last`, with its body: only its
    // time is kept here, so the body is not held once more.
    state.last_error = match &result {
        Ok(fetched) => fetched
            .set
            .is_err()
            .then_some(FailedFetch { at, error: None }),
        Err(err) => Some(FailedFetch {
            at,
            error: Some(err.clone()),
        }),
    };
    match &result {
        Ok(fetched) => {
            state.last = Some(Arc::clone(fetched));
            match &fetched.set {
                Ok(set) => {
                    if let Some(cache) = state.cache.as_mut() {
                        cache.store_set_for(Arc::clone(set), fetched.at, fetched.lifetime);
                        gate.lock().set_fetched_at = Some(fetched.at);
                    }
                    state.counted = Some(Arc::clone(set));
                }
                // A body that yields no usable set is a failed fetch too.
                Err(_) => state.stats.fetch_errors += 1,
            }
        }
        Err(_) => state.stats.fetch_errors += 1,
    }
    result
}

async fn fetch_and_parse(
    source: &dyn KeySource,
    state: &Mutex<State>,
    at: Millis,
) -> Result<Arc<Fetched>, Error> {
    let document = source.fetch().await?;
    let set = parse_or_reuse(state, &document.body);
    Ok(Arc::new(Fetched {
        body: document.body,
        set,
        at: document.fetched_at.unwrap_or(at),
        lifetime: None,
        validators: None,
    }))
}

/// The set of `body`: the last one when the body is unchanged, else parsed.
pub(super) fn parse_or_reuse(state: &Mutex<State>, body: &Arc<str>) -> Result<Arc<KeySet>, Error> {
    match unchanged_set(state, body) {
        Some(set) => set,
        None => parse_set(body, state.lock().key_types).map(Arc::new),
    }
}

/// What the last fetch made of its body when `body` is byte for byte that
/// body: an unchanged body (the usual refresh, or the same error page again)
/// is not parsed and converted again, and a syntax error keeps its id.
fn unchanged_set(state: &Mutex<State>, body: &str) -> Option<Result<Arc<KeySet>, Error>> {
    let state = state.lock();
    let last = state.last.as_ref()?;
    (*last.body == *body).then(|| last.set.clone())
}

/// Parses a body the way jwks-rsa reads it: empty means no keys, and any
/// text `JSON.parse` accepts is read.
fn parse_set(body: &Arc<str>, types: KeyTypes) -> Result<KeySet, Error> {
    if body.is_empty() {
        return Err(Error::content(crate::error::NO_KEYS));
    }
    KeySet::from_text(body, types)
}
