//! A stored key set: the endpoint's raw body with its fetch time and the
//! caching headers it came with (validators, `Cache-Control`...), optionally
//! sealed with an HMAC-SHA256 over all of them and the key it is stored
//! under (so a record cannot be moved to another key).

use ring::hmac;
use serde_json::{Value, json};

use crate::Millis;
use crate::source::headers::CacheHeaders;

/// Version tag of the record layout.
const VERSION: u64 = 1;
/// Room for the record's own fields around the body, in bytes.
const ENVELOPE_BYTES: usize = 4096;
/// Largest growth of a body escaped as a JSON string (`\u0000` for one byte).
const ESCAPE_GROWTH: usize = 6;

/// One stored fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// When the body was fetched, in milliseconds since the Unix epoch.
    pub fetched_at: Millis,
    /// The endpoint's body as received.
    pub body: String,
    /// The caching headers of the response (empty for sources without them).
    pub headers: CacheHeaders,
}

/// The header fields of a record, by their names in it.
fn header_fields(headers: &CacheHeaders) -> [(&'static str, Option<&str>); 6] {
    [
        ("etag", headers.etag.as_deref()),
        ("lastModified", headers.last_modified.as_deref()),
        ("cacheControl", headers.cache_control.as_deref()),
        ("expires", headers.expires.as_deref()),
        ("date", headers.date.as_deref()),
        ("age", headers.age.as_deref()),
    ]
}

impl Record {
    /// The stored text of this record under `key`.
    pub fn encode(&self, key: &str, secret: Option<&[u8]>) -> String {
        let headers: serde_json::Map<String, Value> = header_fields(&self.headers)
            .into_iter()
            .filter_map(|(name, value)| Some((name.to_owned(), Value::from(value?))))
            .collect();
        let mut value = json!({
            "v": VERSION,
            "fetchedAt": self.fetched_at,
            "headers": headers,
            "body": self.body,
        });
        if let (Some(secret), Value::Object(map)) = (secret, &mut value) {
            map.insert("mac".to_owned(), Value::String(self.mac(key, secret)));
        }
        value.to_string()
    }

    /// Reads a stored text under `key`, checking size and, with a secret,
    /// the MAC.
    ///
    /// # Errors
    /// Why the text is not a record to trust, in words.
    pub fn decode(
        text: &str,
        key: &str,
        secret: Option<&[u8]>,
        max_bytes: usize,
    ) -> Result<Record, String> {
        let limit = max_bytes
            .saturating_mul(ESCAPE_GROWTH)
            .saturating_add(ENVELOPE_BYTES);
        if text.len() > limit {
            return Err(format!("record of {} bytes is too large", text.len()));
        }
        let value: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        if value.get("v").and_then(Value::as_u64) != Some(VERSION) {
            return Err("not a key-set record".to_owned());
        }
        let text_field = |name: &str| value.get(name).and_then(Value::as_str).map(str::to_owned);
        let header = |name: &str| {
            let headers = value.get("headers")?;
            headers.get(name).and_then(Value::as_str).map(str::to_owned)
        };
        let record = Record {
            fetched_at: value
                .get("fetchedAt")
                .and_then(Value::as_u64)
                .ok_or("no fetch time")?,
            body: text_field("body").ok_or("no body")?,
            headers: CacheHeaders {
                etag: header("etag"),
                last_modified: header("lastModified"),
                cache_control: header("cacheControl"),
                expires: header("expires"),
                date: header("date"),
                age: header("age"),
            },
        };
        if record.body.len() > max_bytes {
            return Err(format!("body exceeds {max_bytes} bytes"));
        }
        if let Some(secret) = secret {
            let mac = text_field("mac").ok_or("no MAC")?;
            if !record.mac_matches(key, secret, &mac) {
                return Err("MAC does not match".to_owned());
            }
        }
        Ok(record)
    }

    /// What the MAC covers: every field, length-prefixed, and the key.
    fn signed_bytes(&self, key: &str) -> Vec<u8> {
        let mut bytes = b"jwks-rsa-native record v1".to_vec();
        let fetched_at = self.fetched_at.to_string();
        let headers = header_fields(&self.headers).map(|(_, value)| value);
        let fields = [Some(key), Some(fetched_at.as_str())]
            .into_iter()
            .chain(headers)
            .chain([Some(self.body.as_str())]);
        for field in fields {
            match field {
                Some(text) => {
                    bytes.extend_from_slice(&(text.len() as u64).to_be_bytes());
                    bytes.extend_from_slice(text.as_bytes());
                }
                None => bytes.extend_from_slice(&u64::MAX.to_be_bytes()),
            }
        }
        bytes
    }

    fn mac(&self, key: &str, secret: &[u8]) -> String {
        let tag = hmac::sign(
            &hmac::Key::new(hmac::HMAC_SHA256, secret),
            &self.signed_bytes(key),
        );
        hex(tag.as_ref())
    }

    fn mac_matches(&self, key: &str, secret: &[u8], mac: &str) -> bool {
        let Some(tag) = unhex(mac) else {
            return false;
        };
        let secret = hmac::Key::new(hmac::HMAC_SHA256, secret);
        hmac::verify(&secret, &self.signed_bytes(key), &tag).is_ok()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}
