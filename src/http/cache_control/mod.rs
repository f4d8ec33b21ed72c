//! How long a fetched set stays fresh when the endpoint says so
//! (`respectCacheControl`): `Cache-Control: max-age`, else `Expires`
//! relative to `Date` (RFC 9111 §4.2.1), less `Age`, always clamped to the
//! client's `[minCacheAge, cacheMaxAge]`.
//!
//! The clamp is the rule: a header can shorten or lengthen the lifetime
//! only within the bounds the user chose, so a hostile or broken endpoint
//! can neither make every lookup fetch nor pin a set for a year.
//! `no-store` and `no-cache` mean "revalidate soon" (the shortest lifetime,
//! [`Bounds::min`]), never "do not cache": the keys are still needed to
//! verify tokens in the meantime.

use crate::Millis;
use crate::http::date;
use crate::source::headers::CacheHeaders;

/// `minCacheAge` when the option is not set: 30 seconds.
pub const DEFAULT_MIN_CACHE_AGE_MS: Millis = 30_000;

/// The lifetimes a header may choose between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    /// `minCacheAge`: the shortest lifetime.
    pub min: Millis,
    /// `cacheMaxAge`: the longest; `None` when keys never expire.
    pub max: Option<Millis>,
}

impl Bounds {
    /// `lifetime` within the bounds. Should `minCacheAge` exceed
    /// `cacheMaxAge`, `cacheMaxAge` wins: no header makes a set outlive it.
    pub fn clamp(self, lifetime: Millis) -> Millis {
        let max = self.max.unwrap_or(Millis::MAX);
        lifetime.max(self.min).min(max)
    }
}

/// What one `Cache-Control` value asks for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Directives {
    /// The first valid `max-age`, in seconds.
    max_age: Option<u64>,
    /// `no-store` or `no-cache`.
    revalidate: bool,
}

/// The lifetime the headers ask for, clamped to `bounds`, or `None` when
/// they ask for nothing usable (the configured `cacheMaxAge` then applies).
/// `now` is the caller's clock, used for `Expires` when `Date` is missing
/// or unreadable.
pub fn lifetime(headers: &CacheHeaders, now: Millis, bounds: Bounds) -> Option<Millis> {
    requested(headers, now).map(|ms| bounds.clamp(ms))
}

/// The lifetime the headers ask for, unclamped.
fn requested(headers: &CacheHeaders, now: Millis) -> Option<Millis> {
    let directives = headers
        .cache_control
        .as_deref()
        .map(directives)
        .unwrap_or_default();
    let age = headers.age.as_deref().and_then(delta_seconds).unwrap_or(0);
    let seconds = |s: u64| s.saturating_sub(age).saturating_mul(1000);
    if directives.revalidate {
        return Some(0);
    }
    if let Some(max_age) = directives.max_age {
        return Some(seconds(max_age));
    }
    let expires = headers.expires.as_deref()?;
    // An Expires that is not a date (`0`, `-1`) means "already expired".
    let Some(expires) = date::parse(expires) else {
        return Some(0);
    };
    let base = headers.date.as_deref().and_then(date::parse).unwrap_or(now);
    let lifetime = expires.saturating_sub(base);
    Some(lifetime.saturating_sub(age.saturating_mul(1000)))
}

/// Non-negative whole seconds, as `max-age` and `Age` are written
/// (RFC 9111 §1.2.2); a value too large to hold saturates.
fn delta_seconds(text: &str) -> Option<u64> {
    let text = text.trim_matches([' ', '\t']);
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(text.parse().unwrap_or(u64::MAX))
}

fn directives(value: &str) -> Directives {
    let mut found = Directives::default();
    for directive in split_directives(value) {
        let (name, argument) = match directive.split_once('=') {
            Some((name, argument)) => (name.trim(), Some(argument.trim())),
            None => (directive.trim(), None),
        };
        if name.eq_ignore_ascii_case("no-store") || name.eq_ignore_ascii_case("no-cache") {
            found.revalidate = true;
        } else if name.eq_ignore_ascii_case("max-age") && found.max_age.is_none() {
            // The quoted form is accepted from senders (RFC 9111 §5.2).
            let argument = argument.map(|a| a.trim_matches('"'));
            found.max_age = argument.and_then(delta_seconds);
        }
    }
    found
}

/// The directives of a `Cache-Control` value, split at commas outside
/// quoted strings.
fn split_directives(value: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in value.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => {
                parts.push(value.get(start..i).unwrap_or_default());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(value.get(start..).unwrap_or_default());
    parts.retain(|p| !p.trim().is_empty());
    parts
}

#[cfg(test)]
mod tests;
