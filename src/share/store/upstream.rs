//! The endpoint behind a shared store: how a fetch asks it (plainly, or
//! with validators under `conditionalRequests`), and what it last gave the
//! client, so that a `304` can be stored as the set it confirmed.

use std::sync::Arc;

use futures_util::FutureExt;
use futures_util::future::BoxFuture;

use crate::Millis;
use crate::error::Error;
use crate::keys::key_types::KeyTypes;
use crate::keys::keyset::KeySet;
use crate::source::headers::{CacheHeaders, Validators};
use crate::source::{KeySource, Reply};

/// How the client asked for this fetch.
pub(super) enum Upstream {
    /// `KeySource::fetch`: a plain request.
    Plain,
    /// `KeySource::fetch_with`: with the set's validators, if any.
    Validating(Option<Validators>),
}

impl Upstream {
    /// Asks `source` the way the client asked.
    pub(super) fn fetch(&self, source: &dyn KeySource) -> BoxFuture<'static, Result<Reply, Error>> {
        match self {
            Upstream::Plain => source.fetch().map(|r| r.map(Reply::body)).boxed(),
            Upstream::Validating(validators) => source.fetch_with(validators.as_ref()),
        }
    }
}

/// The newest set the client was given, from the endpoint or the store.
#[derive(Debug, Default)]
pub(super) struct Held {
    /// When it was fetched (or last confirmed by a `304`).
    pub at: Option<Millis>,
    body: Option<Arc<str>>,
    headers: CacheHeaders,
}

impl Held {
    /// Remembers a set given at `at`, unless a newer one is held.
    pub fn hold(&mut self, body: Arc<str>, headers: &CacheHeaders, at: Millis) {
        if self.at.is_some_and(|held| held > at) {
            return;
        }
        *self = Held {
            at: Some(at),
            body: Some(body),
            headers: headers.clone(),
        };
    }

    /// A `304` at `at` made the held set current again.
    pub fn confirm(&mut self, at: Millis) {
        self.at = Some(self.at.map_or(at, |held| held.max(at)));
    }

    /// The held body and the headers to store it with after a `304` that
    /// answered with `headers` (its own, when it brought any).
    pub fn confirmed(&self, headers: &CacheHeaders) -> Option<(Arc<str>, CacheHeaders)> {
        let body = Arc::clone(self.body.as_ref()?);
        let headers = if *headers == CacheHeaders::default() {
            self.headers.clone()
        } else {
            headers.clone()
        };
        Some((body, headers))
    }
}

/// Whether `body` reads as a set with at least one signing key: only such a
/// set is shared, so neither an error page nor an injected empty set spreads
/// to the fleet.
pub(super) fn has_signing_keys(body: &str, types: KeyTypes) -> bool {
    crate::keys::json::parse(body)
        .ok()
        .and_then(|json| KeySet::from_json_with(&json, types).ok())
        .is_some_and(|set| !set.keys().is_empty())
}
