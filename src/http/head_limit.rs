//! The response head limit of Node's http (`--max-http-header-size`,
//! 16 KiB by default), which jwks-rsa meets through Node's http.
//!
//! Node's parser counts the reason phrase and the bytes of each header's
//! name and value (not the status code, the separators or the line ends)
//! and fails with `HPE_HEADER_OVERFLOW` once the count reaches the limit.
//! hyper has no such count: it parses the head, then the count is made here
//! from what it parsed, and hyper's own bounds are set wide enough for any
//! head Node would take and narrow enough to stop reading soon after.

use hyper::HeaderMap;

/// Node's default `--max-http-header-size`, in bytes.
pub const NODE_DEFAULT: usize = 16 * 1024;

/// hyper's default read buffer limit, which a head must also fit in.
const HYPER_DEFAULT_BUF: usize = 8192 + 4096 * 100;

/// The limit `require('http').maxHeaderSize` gave (`None`: Node's default).
pub fn from_node(value: Option<f64>) -> usize {
    match value {
        Some(bytes) if bytes >= 0.0 => {
            if bytes >= usize::MAX as f64 {
                usize::MAX
            } else {
                bytes as usize
            }
        }
        _ => NODE_DEFAULT,
    }
}

/// The bytes Node counts against its limit in a response head: the reason
/// phrase and every header's name and value.
///
/// hyper trims the spaces after a value, which Node counts: a head padded
/// that way counts a little less here.
pub fn counted(reason: &[u8], headers: &HeaderMap) -> usize {
    headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .fold(reason.len(), usize::saturating_add)
}

/// Whether Node's parser, with `limit`, fails on a head counting `count` bytes.
pub fn overflows(count: usize, limit: usize) -> bool {
    count >= limit
}

/// The largest head hyper reads before giving up, for `limit`: a head Node
/// takes has at most `limit` counted bytes, plus the status line and four
/// bytes per header (hyper takes at most 100), well under twice the limit
/// and 8 KiB more.
pub fn hyper_head_cap(limit: usize) -> usize {
    limit.saturating_mul(2).saturating_add(8192)
}

/// hyper's read buffer limit for `limit`: its default, or more when a head
/// of [`hyper_head_cap`] bytes would not fit. Never below hyper's minimum
/// (8192), under which hyper panics.
pub fn hyper_buffer(limit: usize) -> usize {
    hyper_head_cap(limit).max(HYPER_DEFAULT_BUF)
}

#[cfg(test)]
mod tests {
    use hyper::HeaderMap;
    use hyper::header::{CONTENT_LENGTH, HeaderValue};

    use super::*;

    #[test]
    fn the_reason_names_and_values_are_counted() {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_LENGTH, HeaderValue::from_static("42"));
        headers.append("x-big", HeaderValue::from_static("aaaa"));
        headers.append("x-big", HeaderValue::from_static("bb"));
        // "OK" + "content-length" "42" + "x-big" "aaaa" + "x-big" "bb"
        assert_eq!(counted(b"OK", &headers), 2 + 16 + 9 + 7);
        assert_eq!(counted(b"", &HeaderMap::new()), 0);
    }

    #[test]
    fn the_limit_is_node_s_own() {
        assert_eq!(from_node(None), NODE_DEFAULT);
        assert_eq!(from_node(Some(65_536.0)), 65_536);
        // `--max-http-header-size=0` fails every response, as Node does.
        assert_eq!(from_node(Some(0.0)), 0);
        // `--max-http-header-size=-1` reads as 2^64 - 1 in Node.
        assert_eq!(from_node(Some(1.8446744073709552e19)), usize::MAX);
        assert_eq!(from_node(Some(f64::NAN)), NODE_DEFAULT);
    }

    #[test]
    fn the_limit_itself_overflows_as_in_node() {
        assert!(!overflows(NODE_DEFAULT - 1, NODE_DEFAULT));
        assert!(overflows(NODE_DEFAULT, NODE_DEFAULT));
    }

    #[test]
    fn hyper_bounds_never_go_below_its_minimum_or_its_default() {
        assert_eq!(hyper_buffer(0), HYPER_DEFAULT_BUF);
        assert_eq!(hyper_head_cap(NODE_DEFAULT), 40_960);
        assert_eq!(hyper_buffer(1 << 20), (2 << 20) + 8192);
        assert_eq!(hyper_buffer(usize::MAX), usize::MAX);
    }
}
