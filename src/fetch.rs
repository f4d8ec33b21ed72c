//! Key sources: where a key set comes from.
//!
//! The core only knows this trait. The HTTP source lives in [`crate::http`];
//! the JavaScript-backed ones (a `fetcher`, Node's http with a `requestAgent`)
//! live in the napi layer. Tests use in-memory sources.

use std::sync::Arc;

use futures_util::future::BoxFuture;

use crate::cache::Millis;
use crate::error::Error;

/// A fetched JWKS document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The response body as text.
    pub body: Arc<str>,
    /// When the body was fetched, if earlier than this fetch: a copy kept
    /// by a shared store (`sharedCache`) ages from its original fetch.
    pub fetched_at: Option<Millis>,
}

/// Where the key set is fetched from.
pub trait KeySource: Send + Sync + 'static {
    /// Fetches the JWKS document once.
    ///
    /// # Errors
    /// Any failure to obtain a 2xx body: transport, status, size cap, deadline.
    fn fetch(&self) -> BoxFuture<'static, Result<Document, Error>>;
}

/// `getKeysInterceptor`: keys consulted before the endpoint.
pub trait Interceptor: Send + Sync + 'static {
    /// Returns the JSON text of a `keys` array, or `None` for no keys.
    ///
    /// # Errors
    /// The interceptor's own failure, which is passed on unchanged.
    fn keys(&self) -> BoxFuture<'static, Result<Option<Arc<str>>, Error>>;
}
