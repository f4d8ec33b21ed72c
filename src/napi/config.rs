//! Client options, as normalized by the shim, to the core's configuration.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use hyper::header::{HeaderName, HeaderValue};
use napi_derive::napi;
use rustls::ClientConfig as TlsConfig;

use crate::cache::CacheConfig;
use crate::client::ClientConfig;
use crate::error::Error;
use crate::fetch::{Document, KeySource};
use crate::http::{HttpSettings, HttpSource, Target};
use crate::tls;

/// `jwksUri`, parsed by the shim with WHATWG URL rules.
#[napi(object)]
pub struct UriParts {
    pub https: bool,
    pub host: String,
    pub port: u32,
    pub path: String,
    pub host_header: String,
}

/// The options of a client, normalized by the shim.
#[napi(object)]
pub struct NativeConfig {
    /// Absent when `jwksUri` is not an http(s) URL (or a fetcher replaces it).
    pub uri: Option<UriParts>,
    /// `requestHeaders` as `[name, value]` pairs, already validated.
    pub headers: Vec<Vec<String>>,
    /// Milliseconds; 0 for no deadline.
    pub timeout: f64,
    pub max_response_bytes: f64,
    pub cache: bool,
    pub cache_max_entries: Option<f64>,
    /// Milliseconds; 0 for no expiry.
    pub cache_max_age: Option<f64>,
    pub cache_max_age_fallback: Option<f64>,
    pub rate_limit: bool,
    pub jwks_requests_per_minute: Option<u32>,
    pub unknown_kid_cooldown: f64,
    /// PEM bundle trusted instead of the default roots (the `ca` option).
    pub tls_ca: Option<String>,
    /// Client certificate chain (PEM) for mutual TLS.
    pub tls_cert: Option<String>,
    /// Client private key (PEM) for mutual TLS.
    pub tls_key: Option<String>,
}

static DEFAULT_ROOTS: OnceLock<Arc<TlsConfig>> = OnceLock::new();

/// Sets the roots trusted by clients without TLS options: what Node's
/// `https` trusts (its bundled roots and `NODE_EXTRA_CA_CERTS`). The first
/// call wins; the shim makes it once per process.
#[napi(catch_unwind)]
pub fn set_default_roots(pem: String) -> napi::Result<bool> {
    if DEFAULT_ROOTS.get().is_some() {
        return Ok(false);
    }
    let config =
        tls::client_config(&pem, None).map_err(|e| napi::Error::from_reason(e.to_string()))?;
    Ok(DEFAULT_ROOTS.set(config).is_ok())
}

/// Whether default roots were handed over already.
#[napi(catch_unwind)]
pub fn has_default_roots() -> bool {
    DEFAULT_ROOTS.get().is_some()
}

fn millis(value: f64) -> Option<u64> {
    (value.is_finite() && value >= 1.0).then(|| value.min(u64::MAX as f64) as u64)
}

impl NativeConfig {
    /// The core's view of these options.
    pub fn client_config(&self) -> ClientConfig {
        let cache = self.cache.then(|| CacheConfig {
            max_age: self.cache_max_age.and_then(millis),
            max_entries: self
                .cache_max_entries
                .map_or(5, |n| n.clamp(0.0, usize::MAX as f64) as usize),
            fallback: self
                .cache_max_age_fallback
                .filter(|f| *f != 0.0)
                .map(|f| f.max(0.0) as u64),
        });
        ClientConfig {
            cache,
            requests_per_minute: if self.rate_limit {
                self.jwks_requests_per_minute
            } else {
                None
            },
            unknown_kid_cooldown: millis(self.unknown_kid_cooldown),
        }
    }

    /// The deadline of one fetch.
    pub fn deadline(&self) -> Option<Duration> {
        millis(self.timeout).map(Duration::from_millis)
    }

    fn tls(&self) -> Result<Option<Arc<TlsConfig>>, Error> {
        let identity = match (&self.tls_cert, &self.tls_key) {
            (Some(cert), Some(key)) => Some((cert.as_str(), key.as_str())),
            _ => None,
        };
        match (&self.tls_ca, identity) {
            (None, None) => Ok(DEFAULT_ROOTS.get().cloned()),
            (Some(ca), identity) => tls::client_config(ca, identity).map(Some),
            (None, Some(_)) => Err(Error::ArgumentError {
                message: "A client certificate needs the roots to trust: pass `ca` with it"
                    .to_owned(),
                endpoint_unavailable: false,
            }),
        }
    }

    /// The native HTTP source for these options.
    ///
    /// # Errors
    /// `ArgumentError` for unusable TLS settings.
    pub fn http_source(&self) -> Result<Arc<dyn KeySource>, Error> {
        let Some(uri) = &self.uri else {
            return Ok(Arc::new(Failing(Error::invalid_uri())));
        };
        let Ok(port) = u16::try_from(uri.port) else {
            return Ok(Arc::new(Failing(Error::invalid_uri())));
        };
        let mut headers = Vec::with_capacity(self.headers.len());
        for pair in &self.headers {
            let (Some(name), Some(value)) = (pair.first(), pair.get(1)) else {
                continue;
            };
            let name = HeaderName::from_bytes(name.as_bytes());
            let value = HeaderValue::from_bytes(value.as_bytes());
            if let (Ok(name), Ok(value)) = (name, value) {
                headers.push((name, value));
            }
        }
        let settings = HttpSettings {
            target: Target {
                https: uri.https,
                host: uri.host.clone(),
                port,
                path: if uri.path.is_empty() {
                    "/".to_owned()
                } else {
                    uri.path.clone()
                },
                host_header: uri.host_header.clone(),
            },
            headers,
            timeout: self.deadline(),
            max_response_bytes: self.max_response_bytes.clamp(1.0, usize::MAX as f64) as usize,
            tls: if uri.https { self.tls()? } else { None },
        };
        Ok(Arc::new(HttpSource::new(settings)))
    }
}

/// A source that always fails the same way (e.g. an invalid `jwksUri`, which
/// jwks-rsa reports on each fetch rather than in the constructor).
pub struct Failing(pub Error);

impl KeySource for Failing {
    fn fetch(&self) -> BoxFuture<'static, Result<Document, Error>> {
        let err = self.0.clone();
        async move { Err(err) }.boxed()
    }
}
