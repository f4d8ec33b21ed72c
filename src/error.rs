//! The single error type of the core.
//!
//! Each variant is named after the JavaScript class the shim raises for it, so
//! the mapping across the FFI boundary is by name. Messages are those of
//! `jwks-rsa` 4.1.0, byte for byte.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::transport::TransportError;

/// Message of the error raised when `jwksUri` cannot be parsed as an http(s) URL.
pub const INVALID_URI: &str = "Invalid JWKS URI: The provided URI is not a valid URL.";
/// Message raised when the key set is empty or absent.
pub const NO_KEYS: &str = "The JWKS endpoint did not contain any keys";
/// Message raised when no key of the set is usable for signatures.
pub const NO_SIGNING_KEYS: &str = "The JWKS endpoint did not contain any signing keys";
/// Message raised when no kid is given and the set holds several keys.
pub const NO_KID_MANY_KEYS: &str = "No KID specified and JWKS endpoint returned more than 1 key";
/// jwks-rsa's `TypeError` when the body is `null` (`res.keys` on null).
pub const NULL_BODY: &str = "Cannot read properties of null (reading 'keys')";
/// jwks-rsa's `TypeError` when `keys` has a truthy `length` but is no array.
pub const KEYS_NOT_ARRAY: &str = "jwks.filter is not a function";
/// Message of the rate limiter's refusal.
pub const RATE_LIMITED: &str = "Too many requests to the JWKS endpoint";

/// Everything that can go wrong between a lookup and a key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// An argument or option is unusable (JS `ArgumentError`).
    #[error("{message}")]
    ArgumentError {
        /// Human-readable reason.
        message: String,
        /// True when raised while reaching the endpoint (e.g. an invalid URI).
        endpoint_unavailable: bool,
    },
    /// The endpoint answered something unusable (JS `JwksError`).
    #[error("{message}")]
    JwksError {
        /// Human-readable reason.
        message: String,
        /// True for HTTP-level failures, false for content problems.
        endpoint_unavailable: bool,
    },
    /// The rate limiter refused to start a fetch (JS `JwksRateLimitError`).
    #[error("{}", RATE_LIMITED)]
    JwksRateLimitError,
    /// The rate limiter makes the lookup wait this many milliseconds for a
    /// token, then try again; the shim waits on its own timers, as jwks-rsa's
    /// limiter does. Never shown to users.
    #[error("{}", RATE_LIMITED)]
    RateLimitWait(u64),
    /// No key matches the lookup (JS `SigningKeyNotFoundError`).
    #[error("{0}")]
    SigningKeyNotFoundError(String),
    /// A transport failure (JS `Error` with a `code`, worded by the binding layer).
    #[error("{0}")]
    Transport(Arc<TransportError>),
    /// A 2xx body that is not JSON; the shim re-parses it to raise V8's own `SyntaxError`.
    #[error("{detail}")]
    SyntaxError {
        /// The body as received (bounded by the response-size cap), shared
        /// by every lookup that waited on the fetch.
        body: Arc<str>,
        /// The parser's description, used if the shim cannot reproduce the error.
        detail: String,
        /// Unique per parsed body: lets the shim build V8's message once per
        /// fetch, whatever the number of lookups that receive it.
        id: u64,
    },
    /// What jwks-rsa's JavaScript throws on a body of the wrong shape (JS `TypeError`).
    #[error("{message}")]
    TypeError {
        /// V8's message, as jwks-rsa's code produces it.
        message: &'static str,
        /// True when jwks-rsa raises it while reading the response.
        endpoint_unavailable: bool,
    },
    /// A JavaScript hook threw or rejected; the shim rethrows that very value.
    #[error("a JavaScript hook failed")]
    HookError {
        /// Handle under which the JS side keeps the thrown value.
        handle: u64,
        /// True when the hook stands in for the endpoint (the `fetcher`).
        endpoint_unavailable: bool,
    },
}

impl Error {
    /// A `JwksError` about the content of the key set (endpoint reachable).
    pub fn content(message: &str) -> Self {
        Error::JwksError {
            message: message.to_owned(),
            endpoint_unavailable: false,
        }
    }

    /// A `SyntaxError` for a body that is not JSON, with a fresh id.
    pub fn syntax(body: Arc<str>, detail: String) -> Self {
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        Error::SyntaxError {
            body,
            detail,
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// A `JwksError` raised while reaching the endpoint.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Error::JwksError {
            message: message.into(),
            endpoint_unavailable: true,
        }
    }

    /// The invalid-URI `ArgumentError`, raised when a fetch is attempted.
    pub fn invalid_uri() -> Self {
        Error::ArgumentError {
            message: INVALID_URI.to_owned(),
            endpoint_unavailable: true,
        }
    }

    /// Whether this error means the endpoint could not be used; only such errors
    /// allow serving a stale key (`cacheMaxAgeFallback`).
    pub fn is_endpoint_unavailable(&self) -> bool {
        match self {
            Error::ArgumentError {
                endpoint_unavailable,
                ..
            }
            | Error::JwksError {
                endpoint_unavailable,
                ..
            }
            | Error::HookError {
                endpoint_unavailable,
                ..
            }
            | Error::TypeError {
                endpoint_unavailable,
                ..
            } => *endpoint_unavailable,
            Error::Transport(_) | Error::SyntaxError { .. } => true,
            Error::JwksRateLimitError
            | Error::RateLimitWait(_)
            | Error::SigningKeyNotFoundError(_) => false,
        }
    }

    /// The JavaScript class name the shim raises for this error.
    pub fn class_name(&self) -> &'static str {
        match self {
            Error::ArgumentError { .. } => "ArgumentError",
            Error::JwksError { .. } => "JwksError",
            Error::JwksRateLimitError | Error::RateLimitWait(_) => "JwksRateLimitError",
            Error::SigningKeyNotFoundError(_) => "SigningKeyNotFoundError",
            Error::Transport(_) => "Error",
            Error::SyntaxError { .. } => "SyntaxError",
            Error::HookError { .. } => "HookError",
            Error::TypeError { .. } => "TypeError",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_those_of_jwks_rsa() {
        assert_eq!(
            Error::JwksRateLimitError.to_string(),
            "Too many requests to the JWKS endpoint"
        );
        assert_eq!(
            Error::invalid_uri().to_string(),
            "Invalid JWKS URI: The provided URI is not a valid URL."
        );
        assert_eq!(
            Error::content(NO_KEYS).to_string(),
            "The JWKS endpoint did not contain any keys"
        );
    }

    #[test]
    fn only_fetch_failures_allow_stale_fallback() {
        assert!(Error::invalid_uri().is_endpoint_unavailable());
        assert!(Error::unavailable("Not Found").is_endpoint_unavailable());
        assert!(!Error::content(NO_SIGNING_KEYS).is_endpoint_unavailable());
        assert!(!Error::JwksRateLimitError.is_endpoint_unavailable());
        assert!(!Error::SigningKeyNotFoundError("x".into()).is_endpoint_unavailable());
        assert!(Error::Transport(Arc::new(TransportError::HangUp)).is_endpoint_unavailable());
    }
}
