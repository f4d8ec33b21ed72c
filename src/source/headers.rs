//! The caching headers of a reply, and the validators kept from them.
//!
//! Validators of the current key set (`ETag`, `Last-Modified`): kept from a
//! response only when they are safe to send back, and sent on the next fetch
//! as `If-None-Match` and `If-Modified-Since` (RFC 9110 §13.1).
//!
//! A validator is echoed verbatim into a request header, so one that could
//! smuggle anything into that request (control characters, a CR/LF) or
//! bloat every fetch (over [`MAX_VALIDATOR_BYTES`]) is dropped, and the next
//! fetch is then an ordinary one.

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

/// Longest validator echoed back: 1 KiB.
pub const MAX_VALIDATOR_BYTES: usize = 1024;

/// What the next fetch sends to ask "has the set changed?".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    /// The `ETag` of the set, sent as `If-None-Match`.
    pub etag: Option<String>,
    /// The `Last-Modified` of the set, sent as `If-Modified-Since`.
    pub last_modified: Option<String>,
}

/// `value` without surrounding blanks, if it may go into a request header:
/// not empty, at most [`MAX_VALIDATOR_BYTES`], printable ASCII only.
pub fn echoable(value: &str) -> Option<&str> {
    let value = value.trim_matches([' ', '\t']);
    let printable = value.bytes().all(|b| (0x20..=0x7e).contains(&b));
    (!value.is_empty() && value.len() <= MAX_VALIDATOR_BYTES && printable).then_some(value)
}

impl Validators {
    /// The validators of a response worth echoing, or `None` when it has
    /// none that may be sent back.
    pub fn from_headers(headers: &CacheHeaders) -> Option<Self> {
        let pick = |v: &Option<String>| v.as_deref().and_then(echoable).map(str::to_owned);
        let validators = Validators {
            etag: pick(&headers.etag),
            last_modified: pick(&headers.last_modified),
        };
        (validators.etag.is_some() || validators.last_modified.is_some()).then_some(validators)
    }

    /// The request headers to send, in order.
    pub fn request_headers(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let etag = self.etag.as_deref().map(|v| ("If-None-Match", v));
        let modified = self
            .last_modified
            .as_deref()
            .map(|v| ("If-Modified-Since", v));
        etag.into_iter().chain(modified)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(etag: Option<&str>, last_modified: Option<&str>) -> CacheHeaders {
        CacheHeaders {
            etag: etag.map(str::to_owned),
            last_modified: last_modified.map(str::to_owned),
            ..CacheHeaders::default()
        }
    }

    #[test]
    fn strong_and_weak_etags_are_echoed_verbatim() {
        for etag in [r#""abc""#, r#"W/"abc""#, r#""""#, "unquoted"] {
            let v = Validators::from_headers(&headers(Some(etag), None)).expect(etag);
            assert_eq!(v.etag.as_deref(), Some(etag));
            let sent: Vec<_> = v.request_headers().collect();
            assert_eq!(sent, [("If-None-Match", etag)]);
        }
    }

    #[test]
    fn both_validators_are_sent_etag_first() {
        let date = "Sun, 06 Nov 1994 08:49:37 GMT";
        let v = Validators::from_headers(&headers(Some("\"x\""), Some(date))).expect("both");
        let sent: Vec<_> = v.request_headers().collect();
        assert_eq!(
            sent,
            [("If-None-Match", "\"x\""), ("If-Modified-Since", date)]
        );
    }

    #[test]
    fn an_etag_of_exactly_one_kibibyte_is_echoed_and_one_byte_more_is_not() {
        let at_limit = format!("\"{}\"", "a".repeat(MAX_VALIDATOR_BYTES - 2));
        assert_eq!(echoable(&at_limit), Some(at_limit.as_str()));
        let over = format!("\"{}\"", "a".repeat(MAX_VALIDATOR_BYTES - 1));
        assert_eq!(echoable(&over), None);
        assert_eq!(Validators::from_headers(&headers(Some(&over), None)), None);
    }

    #[test]
    fn control_characters_and_non_ascii_are_never_echoed() {
        for bad in [
            "\"a\r\nX-Evil: 1\"",
            "\"a\0\"",
            "\"tab\there\"",
            "\"\u{7f}\"",
            "\"é\"",
        ] {
            assert_eq!(echoable(bad), None, "{bad:?}");
        }
        assert_eq!(echoable("   "), None);
        assert_eq!(echoable(""), None);
    }

    #[test]
    fn surrounding_blanks_are_trimmed() {
        assert_eq!(echoable("  \"v1\"\t"), Some("\"v1\""));
    }

    #[test]
    fn a_bad_etag_leaves_a_good_last_modified() {
        let v = Validators::from_headers(&headers(Some("\"\n\""), Some("yesterday"))).expect("lm");
        assert_eq!(v.etag, None);
        assert_eq!(v.last_modified.as_deref(), Some("yesterday"));
    }
}
