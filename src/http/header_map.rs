//! The native transport's side of the freshness options: validators into
//! the request, caching headers out of the response.

use hyper::HeaderMap;
use hyper::header::{
    AGE, CACHE_CONTROL, DATE, ETAG, EXPIRES, HeaderName, HeaderValue, IF_MODIFIED_SINCE,
    IF_NONE_MATCH, LAST_MODIFIED,
};

use crate::source::headers::{CacheHeaders, Validators};

/// Adds `If-None-Match` / `If-Modified-Since` from `validators`, except
/// where `requestHeaders` already set that header (the user's value wins).
/// Says whether any was added: only then is a `304` an answer.
pub fn add_validators(headers: &mut HeaderMap, validators: &Validators) -> bool {
    let mut added = false;
    for (name, value) in [
        (IF_NONE_MATCH, validators.etag.as_deref()),
        (IF_MODIFIED_SINCE, validators.last_modified.as_deref()),
    ] {
        let Some(value) = value.and_then(|v| HeaderValue::from_str(v).ok()) else {
            continue;
        };
        if !headers.contains_key(&name) {
            headers.insert(name, value);
            added = true;
        }
    }
    added
}

/// The caching headers of a response, as Node's http reads them: the first
/// value of each, `Cache-Control` lines joined with `, `. A value that is
/// not visible ASCII reads as absent.
pub fn cache_headers(headers: &HeaderMap) -> CacheHeaders {
    let first = |name: HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let cache_control: Vec<&str> = headers
        .get_all(CACHE_CONTROL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    CacheHeaders {
        etag: first(ETAG),
        last_modified: first(LAST_MODIFIED),
        cache_control: (!cache_control.is_empty()).then(|| cache_control.join(", ")),
        expires: first(EXPIRES),
        date: first(DATE),
        age: first(AGE),
    }
}
