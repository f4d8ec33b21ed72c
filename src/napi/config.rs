//! Client options, as the shim's rule normalized them (`lib/config/options.js`),
//! to the core's configuration: every number comes whole and within its
//! bounds and is taken as it is. Also the defaults and bounds that rule
//! applies, exported from [`crate::state::option_rule`] so that each is
//! written once.

use std::time::Duration;

#[cfg(feature = "native-http")]
use hyper::header::{HeaderName, HeaderValue};
use napi_derive::napi;

#[cfg(feature = "native-http")]
use super::tls_roots;
use crate::Millis;
use crate::error::Error;
#[cfg(feature = "native-http")]
use crate::http::proxy::Proxy;
#[cfg(feature = "native-http")]
use crate::http::retry::RetryPolicy;
#[cfg(feature = "native-http")]
use crate::http::{HttpSettings, Target};
use crate::keys::key_types::KeyTypes;
use crate::state::cache::CacheConfig;
use crate::state::client::{ClientConfig, Freshness, RefreshPlan};
use crate::state::option_rule as rule;
use crate::state::rate_limit::LimiterClock;

/// Exports each constant of `option_rule` named, as a number of the same
/// name, for `lib/config/constants.js`.
macro_rules! export {
    ($($name:ident),*) => {
        $(#[napi]
        pub const $name: f64 = rule::$name as f64;)*
    };
}

export!(
    DEFAULT_CACHE_MAX_AGE_MS,
    DEFAULT_CACHE_MAX_ENTRIES,
    DEFAULT_JWKS_REQUESTS_PER_MINUTE,
    DEFAULT_TIMEOUT_MS,
    MAX_TIMER_MS,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MIN_CACHE_AGE_MS,
    MIN_BACKGROUND_MS,
    DEFAULT_COMMAND_TIMEOUT_MS,
    DEFAULT_RETRIES,
    MAX_RETRIES,
    DEFAULT_RETRY_MIN_DELAY_MS,
    DEFAULT_RETRY_MAX_DELAY_MS
);

/// `jwksUri`, parsed by the shim with WHATWG URL rules.
#[napi(object)]
pub struct UriParts {
    pub https: bool,
    pub host: String,
    pub port: u32,
    pub path: String,
    pub host_header: String,
}

/// The forward proxy chosen by the shim (the `proxy` option, or the environment).
#[napi(object)]
pub struct ProxyParts {
    pub host: String,
    pub port: u32,
    /// `Proxy-Authorization` value built from the proxy URL's credentials.
    pub authorization: Option<String>,
}

/// `retry`, as the shim's rule made it: every field set, whole and in range.
#[napi(object)]
pub struct RetryParts {
    pub retries: u32,
    /// Milliseconds.
    pub min_delay: f64,
    /// Milliseconds, at least `minDelay`.
    pub max_delay: f64,
}

/// The options of a client, normalized by the shim.
#[napi(object)]
pub struct NativeConfig {
    /// Absent when `jwksUri` is not an http(s) URL (or a fetcher replaces it).
    pub uri: Option<UriParts>,
    /// `requestHeaders` as `[name, value]` pairs, already validated.
    pub headers: Vec<Vec<String>>,
    /// Deadline of one fetch, in milliseconds.
    pub timeout: f64,
    pub max_response_bytes: f64,
    /// `require('http').maxHeaderSize`: Node's response head limit
    /// (`--max-http-header-size`), which the native transport keeps too.
    pub max_header_size: Option<f64>,
    pub cache: bool,
    pub cache_max_entries: Option<f64>,
    /// Milliseconds; 0 for no expiry.
    pub cache_max_age: Option<f64>,
    pub cache_max_age_fallback: Option<f64>,
    pub rate_limit: bool,
    pub jwks_requests_per_minute: Option<u32>,
    pub unknown_kid_cooldown: f64,
    /// PEM bundle trusted instead of the default roots (the `ca` option).
    pub ca: Option<String>,
    /// Client certificate chain (PEM) for mutual TLS.
    pub cert: Option<String>,
    /// Client private key (PEM) for mutual TLS.
    pub key: Option<String>,
    pub proxy: Option<ProxyParts>,
    /// The rate limiter's clocks when the client was created.
    pub limiter_clock: Option<LimiterReading>,
    /// `conditionalRequests`.
    pub conditional_requests: Option<bool>,
    /// `respectCacheControl`.
    pub respect_cache_control: Option<bool>,
    /// `minCacheAge`, in milliseconds.
    pub min_cache_age: Option<f64>,
    /// `x5cOnlyKeys`: read keys without public members from their `x5c` certificate.
    #[napi(js_name = "x5cOnlyKeys")]
    pub x5c_only_keys: Option<bool>,
    /// `secp256k1`: serve EC keys on secp256k1 (`ES256K`).
    #[napi(js_name = "secp256k1")]
    pub secp256k1: Option<bool>,
    /// `sharedCache`: the store consulted before fetching.
    pub shared_cache: Option<super::store::SharedCacheParts>,
    /// The refresh-ahead window in milliseconds (0: off).
    pub refresh_ahead_ms: Option<f64>,
    /// The background refresh period in milliseconds (0: off).
    pub background_refresh_ms: Option<f64>,
    /// `retry`: absent when off.
    pub retry: Option<RetryParts>,
}

/// Readings of the clocks jwks-rsa's rate limiter reads, in milliseconds.
#[napi(object)]
pub struct LimiterReading {
    /// `process.hrtime()`, whole milliseconds.
    pub monotonic: f64,
    /// `new Date()`.
    pub wall: f64,
    /// Set when the lookup already waited for a token.
    pub waited: Option<bool>,
}

impl LimiterReading {
    /// The core's view of these readings.
    pub fn clock(&self) -> LimiterClock {
        LimiterClock {
            monotonic: clock_ms(self.monotonic),
            wall: clock_ms(self.wall),
        }
    }
}

/// A JavaScript clock reading as whole milliseconds; nonsense reads as 0.
pub fn clock_ms(now: f64) -> Millis {
    if now.is_finite() && now > 0.0 {
        now.min(u64::MAX as f64) as Millis
    } else {
        0
    }
}

fn invalid(message: &str) -> Error {
    Error::ArgumentError {
        message: message.to_owned(),
        endpoint_unavailable: false,
    }
}

/// A duration the shim's rule made whole and in range, where 0 is off.
fn duration(ms: f64) -> Option<Millis> {
    Some(ms as Millis).filter(|ms| *ms > 0)
}

impl NativeConfig {
    /// The core's view of these options.
    pub fn client_config(&self) -> ClientConfig {
        let cache = self.cache.then(|| CacheConfig {
            max_age: self.cache_max_age.and_then(duration),
            max_entries: self
                .cache_max_entries
                .map_or(rule::DEFAULT_CACHE_MAX_ENTRIES, |n| n as usize),
            // jwks-rsa's test: any number but 0 turns the fallback on.
            fallback: self
                .cache_max_age_fallback
                .filter(|ms| *ms != 0.0)
                .map(|ms| ms as Millis),
        });
        ClientConfig {
            cache,
            requests_per_minute: if self.rate_limit {
                self.jwks_requests_per_minute
            } else {
                None
            },
            unknown_kid_cooldown: duration(self.unknown_kid_cooldown),
            created_at: self
                .limiter_clock
                .as_ref()
                .map(LimiterReading::clock)
                .unwrap_or_default(),
            freshness: self.freshness(),
            key_types: KeyTypes {
                x5c_only: self.x5c_only_keys == Some(true),
                secp256k1: self.secp256k1 == Some(true),
            },
            refresh: RefreshPlan {
                ahead: self.refresh_ahead_ms.map_or(0, clock_ms),
                every: self.background_refresh_ms.map_or(0, clock_ms),
            },
        }
    }

    fn freshness(&self) -> Freshness {
        Freshness {
            conditional_requests: self.conditional_requests.unwrap_or(false),
            respect_cache_control: self.respect_cache_control.unwrap_or(false),
            min_cache_age: self
                .min_cache_age
                .and_then(duration)
                .unwrap_or(rule::DEFAULT_MIN_CACHE_AGE_MS),
        }
    }

    /// `cert` and `key` come together or not at all.
    ///
    /// # Errors
    /// `ArgumentError` when only one of them is set.
    pub fn check_identity(&self) -> Result<(), Error> {
        if self.cert.is_some() == self.key.is_some() {
            Ok(())
        } else {
            Err(invalid("Mutual TLS needs both `cert` and `key`"))
        }
    }

    /// The deadline of one fetch: there is always one.
    pub fn deadline(&self) -> Duration {
        Duration::from_millis(self.timeout as Millis)
    }

    /// `retry`, or `None` when it is off (absent, or no retries).
    #[cfg(feature = "native-http")]
    pub fn retry_policy(&self) -> Option<RetryPolicy> {
        let parts = self.retry.as_ref().filter(|r| r.retries > 0)?;
        Some(RetryPolicy {
            retries: parts.retries,
            min_delay: clock_ms(parts.min_delay),
            max_delay: clock_ms(parts.max_delay),
        })
    }

    /// The largest body accepted, in bytes.
    pub fn max_response_bytes(&self) -> usize {
        self.max_response_bytes as usize
    }

    #[cfg(feature = "native-http")]
    fn headers(&self) -> Vec<(HeaderName, HeaderValue)> {
        self.headers
            .iter()
            .filter_map(|pair| {
                let name = HeaderName::from_bytes(pair.first()?.as_bytes()).ok()?;
                let value = HeaderValue::from_bytes(pair.get(1)?.as_bytes()).ok()?;
                Some((name, value))
            })
            .collect()
    }

    #[cfg(feature = "native-http")]
    fn proxy(&self) -> Result<Option<Proxy>, Error> {
        let Some(parts) = &self.proxy else {
            return Ok(None);
        };
        let port = u16::try_from(parts.port).map_err(|_| invalid("Invalid proxy URL"))?;
        Ok(Some(Proxy {
            host: parts.host.clone(),
            port,
            authorization: parts.authorization.clone(),
        }))
    }

    #[cfg(feature = "native-http")]
    /// Settings of the native HTTP source, or `None` when `jwksUri` is unusable.
    ///
    /// # Errors
    /// `ArgumentError` for unusable TLS or proxy settings.
    pub fn http_settings(&self) -> Result<Option<HttpSettings>, Error> {
        let Some(uri) = &self.uri else {
            return Ok(None);
        };
        let Ok(port) = u16::try_from(uri.port) else {
            return Ok(None);
        };
        let tls = if uri.https {
            Some(tls_roots::client_tls(
                self.ca.as_deref(),
                self.cert.as_deref(),
                self.key.as_deref(),
            )?)
        } else {
            None
        };
        Ok(Some(HttpSettings {
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
            headers: self.headers(),
            timeout: Some(self.deadline()),
            max_response_bytes: self.max_response_bytes(),
            max_header_size: crate::http::head_limit::from_node(self.max_header_size),
            tls,
            proxy: self.proxy()?,
        }))
    }
}
