//! Fetching with the freshness options (`conditionalRequests`,
//! `respectCacheControl`): the set's validators go out with the request, a
//! `304` hands back the very set it validated (not parsed, the same key
//! objects), and the response's caching headers choose the set's lifetime
//! within `[minCacheAge, cacheMaxAge]`.
//!
//! Validators are kept only with a set that parsed: a broken body is
//! fetched in full next time rather than confirmed by a `304`.

use std::sync::Arc;

use crate::state::mutex::Mutex;

use super::State;
use super::single_flight::{Fetched, parse_or_reuse};
use crate::Millis;
use crate::error::Error;
use crate::http::cache_control::{self, Bounds, DEFAULT_MIN_CACHE_AGE_MS};
use crate::source::headers::Validators;
use crate::source::{KeySource, Reply, Response};
use crate::state::cache::CacheConfig;

/// The freshness options of a client; all off by default, which leaves
/// requests and lifetimes exactly as jwks-rsa makes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Freshness {
    /// `conditionalRequests`: revalidate with `If-None-Match` / `If-Modified-Since`.
    pub conditional_requests: bool,
    /// `respectCacheControl`: `Cache-Control` / `Expires` choose the lifetime.
    pub respect_cache_control: bool,
    /// `minCacheAge`: the shortest lifetime a header may choose.
    pub min_cache_age: Millis,
}

impl Default for Freshness {
    fn default() -> Self {
        Freshness {
            conditional_requests: false,
            respect_cache_control: false,
            min_cache_age: DEFAULT_MIN_CACHE_AGE_MS,
        }
    }
}

impl Freshness {
    /// Whether any option is on (otherwise a fetch is a plain one).
    pub fn enabled(&self) -> bool {
        self.conditional_requests || self.respect_cache_control
    }

    /// What a fetch does with these options, or `None` for a plain fetch.
    pub(super) fn policy(&self, cache: Option<&CacheConfig>) -> Option<Policy> {
        self.enabled().then(|| Policy {
            conditional: self.conditional_requests,
            bounds: self.bounds(cache),
        })
    }

    /// The bounds a header's lifetime is clamped to, when headers count:
    /// only with a cache, whose `cacheMaxAge` is the upper bound.
    fn bounds(&self, cache: Option<&CacheConfig>) -> Option<Bounds> {
        let cache = cache.filter(|_| self.respect_cache_control)?;
        Some(Bounds {
            min: self.min_cache_age,
            max: cache.max_age,
        })
    }
}

/// What one fetch with the freshness options needs to know.
#[derive(Debug, Clone, Copy)]
pub(super) struct Policy {
    pub conditional: bool,
    pub bounds: Option<Bounds>,
}

/// Fetches with the validators of the current set, and makes the reply a
/// [`Fetched`]: the current one again, fresh from `at`, for a `304`.
pub(super) async fn fetch_reply(
    source: &dyn KeySource,
    state: &Mutex<State>,
    at: Millis,
    policy: Policy,
) -> Result<Arc<Fetched>, Error> {
    let last = state.lock().last.clone();
    let sent = last
        .as_ref()
        .filter(|_| policy.conditional)
        .and_then(|l| l.validators.clone());
    let Reply { response, headers } = source.fetch_with(sent.as_ref()).await?;
    let lifetime = policy
        .bounds
        .and_then(|b| cache_control::lifetime(&headers, at, b));
    let fresh = policy
        .conditional
        .then(|| Validators::from_headers(&headers))
        .flatten();
    let fetched = match (response, last) {
        (Response::NotModified, Some(last)) => {
            state.lock().stats.not_modified += 1;
            Fetched {
                body: Arc::clone(&last.body),
                set: last.set.clone(),
                at,
                // A 304 without caching headers keeps those of the set it confirms.
                lifetime: lifetime.or(last.lifetime),
                validators: fresh.or_else(|| last.validators.clone()),
            }
        }
        (Response::NotModified, None) => return Err(Error::unavailable("Not Modified")),
        (Response::Body(document), _) => {
            let set = parse_or_reuse(state, &document.body);
            Fetched {
                validators: fresh.filter(|_| set.is_ok()),
                body: document.body,
                set,
                // A copy from a shared store ages from its original fetch.
                at: document.fetched_at.unwrap_or(at),
                lifetime,
            }
        }
    };
    Ok(Arc::new(fetched))
}

#[cfg(test)]
mod tests;
