//! Key sources, the seam between the core and its I/O: the [`KeySource`]
//! and [`Interceptor`] traits, what a fetch answers ([`Reply`],
//! [`Document`]), and the caching headers and validators that travel with
//! it ([`headers`]). It uses only `error` and [`Millis`]; `http` implements
//! it natively, the napi layer over JavaScript, `state` calls it and
//! `share` wraps it.
//!
//! In no layer folder: `http` implements it and `state` calls it, so it may depend on neither.
//!
//! The core only knows this trait. The HTTP source lives in [`crate::http`];
//! the JavaScript-backed ones (a `fetcher`, Node's http with a `requestAgent`)
//! live in the napi layer. Tests use in-memory sources.

use std::sync::Arc;

use futures_util::FutureExt;
use futures_util::future::BoxFuture;

use crate::Millis;
use crate::error::Error;

pub mod headers;

use headers::{CacheHeaders, Validators};

/// A fetched JWKS document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The response body as text.
    pub body: Arc<str>,
    /// When the body was fetched, if earlier than this fetch: a copy kept
    /// by a shared store (`sharedCache`) ages from its original fetch.
    pub fetched_at: Option<Millis>,
}

/// What the endpoint answered to a fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// A 2xx with its body.
    Body(Document),
    /// `304 Not Modified` to a request that carried validators: the set
    /// they came with is still current.
    NotModified,
}

/// A response and the headers that decide its caching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The body, or "not modified".
    pub response: Response,
    /// Caching headers of the response; empty for sources without headers.
    pub headers: CacheHeaders,
}

impl Reply {
    /// A reply with a body and no headers (a `fetcher`, an in-memory source).
    pub fn body(document: Document) -> Self {
        Reply {
            response: Response::Body(document),
            headers: CacheHeaders::default(),
        }
    }

    /// The body of a reply to a request sent without validators.
    ///
    /// # Errors
    /// `JwksError` for a `304`, which only a request with validators may get.
    pub fn into_document(self) -> Result<Document, Error> {
        match self.response {
            Response::Body(document) => Ok(document),
            Response::NotModified => Err(Error::unavailable("Not Modified")),
        }
    }
}

/// What a failed fetch told beyond its error, for `retry` to judge whether
/// another attempt may succeed (see `crate::http::retry`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FailureHint {
    /// The status of a non-2xx answer.
    pub status: Option<u16>,
    /// Its `Retry-After` header, as received.
    pub retry_after: Option<String>,
    /// The `code` of the error Node's http raised (`ECONNRESET`, ...).
    pub code: Option<String>,
}

/// One attempt at a fetch: its outcome, and what its failure told.
pub type Attempt = (Result<Reply, Error>, FailureHint);

/// Where the key set is fetched from.
pub trait KeySource: Send + Sync + 'static {
    /// Fetches the JWKS document once.
    ///
    /// # Errors
    /// Any failure to obtain a 2xx body: transport, status, size cap, deadline.
    fn fetch(&self) -> BoxFuture<'static, Result<Document, Error>>;

    /// Fetches once with the freshness options on: sends `validators`
    /// (`If-None-Match`, `If-Modified-Since`) when given, and reports the
    /// caching headers. A source that speaks no HTTP (a `fetcher`) fetches
    /// in full and reports no headers.
    ///
    /// # Errors
    /// As [`KeySource::fetch`]; a `304` to a request without validators is
    /// a failed status like any other non-2xx.
    fn fetch_with(
        &self,
        validators: Option<&Validators>,
    ) -> BoxFuture<'static, Result<Reply, Error>> {
        let _ = validators;
        let fetch = self.fetch();
        async move { fetch.await.map(Reply::body) }.boxed()
    }

    /// One fetch as [`KeySource::fetch_with`] (as [`KeySource::fetch`] when
    /// `plain`), with what its failure told beyond the error. Sources that
    /// tell nothing more (a `fetcher`, an in-memory source) keep this one.
    fn attempt(&self, validators: Option<&Validators>, plain: bool) -> BoxFuture<'static, Attempt> {
        let fetch = if plain {
            let fetch = self.fetch();
            async move { fetch.await.map(Reply::body) }.boxed()
        } else {
            self.fetch_with(validators)
        };
        async move { (fetch.await, FailureHint::default()) }.boxed()
    }
}

/// `getKeysInterceptor`: keys consulted before the endpoint.
pub trait Interceptor: Send + Sync + 'static {
    /// Returns the JSON text of a `keys` array, or `None` for no keys.
    ///
    /// # Errors
    /// The interceptor's own failure, which is passed on unchanged.
    fn keys(&self) -> BoxFuture<'static, Result<Option<Arc<str>>, Error>>;
}
