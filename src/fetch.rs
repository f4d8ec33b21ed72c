//! Key sources: where a key set comes from.
//!
//! The core only knows this trait. The HTTP source lives in [`crate::http`];
//! the JavaScript-backed ones (a `fetcher`, Node's http with a `requestAgent`)
//! live in the napi layer. Tests use in-memory sources.

use std::sync::Arc;

use futures_util::FutureExt;
use futures_util::future::BoxFuture;

use crate::cache::Millis;
use crate::error::Error;
use crate::validators::Validators;

/// A fetched JWKS document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The response body as text.
    pub body: Arc<str>,
    /// When the body was fetched, if earlier than this fetch: a copy kept
    /// by a shared store (`sharedCache`) ages from its original fetch.
    pub fetched_at: Option<Millis>,
}

/// The response headers that decide how long a set stays fresh and how it
/// is revalidated, as received (first value of each, `Cache-Control` lines
/// joined with `, `).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CacheHeaders {
    /// `ETag`.
    pub etag: Option<String>,
    /// `Last-Modified`.
    pub last_modified: Option<String>,
    /// `Cache-Control`.
    pub cache_control: Option<String>,
    /// `Expires`.
    pub expires: Option<String>,
    /// `Date`.
    pub date: Option<String>,
    /// `Age`.
    pub age: Option<String>,
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
}

/// `getKeysInterceptor`: keys consulted before the endpoint.
pub trait Interceptor: Send + Sync + 'static {
    /// Returns the JSON text of a `keys` array, or `None` for no keys.
    ///
    /// # Errors
    /// The interceptor's own failure, which is passed on unchanged.
    fn keys(&self) -> BoxFuture<'static, Result<Option<Arc<str>>, Error>>;
}
