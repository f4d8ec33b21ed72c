//! `retry`: trying a fetch again after a transient failure.
//!
//! Transient: a connection refused, reset or timed out (the native
//! transport's connect and I/O failures, or Node's codes for them), and an
//! answer `5xx` or `429`. Never a `4xx` otherwise, a TLS refusal, a host
//! that does not resolve, a malformed response, one over
//! `maxResponseBytes`, nor a body the client cannot use: those would fail
//! the same way again.
//!
//! The pause before retry `n` (1 for the first) is drawn uniformly from
//! `[max(minDelay, c / 2), c]` with `c = min(maxDelay, minDelay × 2^n)`:
//! exponential, jittered, never under `minDelay` nor over `maxDelay`. A
//! `Retry-After` (seconds or an HTTP date) longer than that pause is waited
//! instead; one longer than `maxDelay` is not waited for: the failure is
//! final, at once.
//!
//! With the native transport, [`Retrying`] wraps a client's key source: the
//! retries belong to the one fetch they retry (see its documentation for
//! the rate limiter and the `timeout` deadline).

use crate::Millis;
use crate::error::Error;
use crate::http::date;
use crate::source::FailureHint;
use crate::transport::TransportError;

#[cfg(feature = "native-http")]
mod source;
#[cfg(test)]
mod tests;

#[cfg(feature = "native-http")]
pub use source::{Retrying, Timer, TokioTimer};

/// The codes of Node's http errors that [`RetryPolicy`] counts as
/// transient: the ones the native transport's connect and I/O failures
/// are worded with.
pub const TRANSIENT_NODE_CODES: [&str; 9] = [
    "ECONNRESET",
    "ECONNREFUSED",
    "ECONNABORTED",
    "ETIMEDOUT",
    "EPIPE",
    "EHOSTUNREACH",
    "ENETUNREACH",
    "ENETDOWN",
    "EHOSTDOWN",
];

/// The `retry` option: how many retries, and how long between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub retries: u32,
    /// The least pause before a retry, in ms.
    pub min_delay: Millis,
    /// The longest pause, and the longest `Retry-After` waited for, in ms.
    pub max_delay: Millis,
}

impl RetryPolicy {
    /// The pause before retry `n` (1 for the first), chosen within its
    /// range by `random` (any value).
    pub fn backoff(&self, n: u32, random: u64) -> Millis {
        let grown = self
            .min_delay
            .saturating_mul(1_u64.checked_shl(n).unwrap_or(Millis::MAX));
        let ceiling = grown.min(self.max_delay);
        let floor = (ceiling / 2).max(self.min_delay).min(ceiling);
        let span = ceiling - floor;
        floor + random.checked_rem(span.wrapping_add(1)).unwrap_or(random)
    }

    /// The pause before retry `n` after `err` (and what its source told,
    /// `hint`), or `None` when there is no retry: `n` is past `retries`, the
    /// failure is not transient, or its `Retry-After` asks for longer than
    /// `max_delay`. `wall` is the time of day, for a `Retry-After` date.
    pub fn pause(
        &self,
        n: u32,
        err: &Error,
        hint: &FailureHint,
        wall: Millis,
        random: u64,
    ) -> Option<Millis> {
        if n == 0 || n > self.retries {
            return None;
        }
        let asked = transient(err, hint, wall)?;
        (asked <= self.max_delay).then(|| self.backoff(n, random).max(asked))
    }
}

/// Whether a failure may pass on another attempt: `Some` with the least
/// wait its answer asked for (its `Retry-After`, else 0), `None` if not.
pub fn transient(err: &Error, hint: &FailureHint, wall: Millis) -> Option<Millis> {
    if let Some(status) = hint.status {
        let again = status == 429 || (500..=599).contains(&status);
        let asked = hint
            .retry_after
            .as_deref()
            .and_then(|v| retry_after(v, wall));
        return again.then(|| asked.unwrap_or(0));
    }
    let again = match err {
        Error::Transport(failure) => matches!(
            **failure,
            TransportError::Connect { .. }
                | TransportError::ConnectTimeout { .. }
                | TransportError::HangUp
                | TransportError::Io { .. }
        ),
        // A failure of Node's http, as the shim kept it.
        Error::HookError { .. } => hint
            .code
            .as_deref()
            .is_some_and(|code| TRANSIENT_NODE_CODES.contains(&code)),
        _ => false,
    };
    again.then_some(0)
}

/// A `Retry-After` value (RFC 9110 §10.2.3) as a wait from `wall`:
/// delay-seconds, or an HTTP date (a past one is no wait); `None` when it
/// is neither.
pub fn retry_after(value: &str, wall: Millis) -> Option<Millis> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Too many digits for a number is simply a very long wait.
        return Some(
            value
                .parse::<u64>()
                .map_or(Millis::MAX, |s| s.saturating_mul(1000)),
        );
    }
    date::parse(value).map(|at| at.saturating_sub(wall))
}
