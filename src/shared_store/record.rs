//! A stored key set: the endpoint's raw body with its fetch time and
//! validators, optionally sealed with an HMAC-SHA256 over all of them and
//! the key it is stored under (so a record cannot be moved to another key).

use ring::hmac;
use serde_json::{Value, json};

use crate::cache::Millis;

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
    /// The `ETag` of the response, when conditional requests keep one.
    pub etag: Option<String>,
    /// The `Last-Modified` of the response, likewise.
    pub last_modified: Option<String>,
}

impl Record {
    /// The stored text of this record under `key`.
    pub fn encode(&self, key: &str, secret: Option<&[u8]>) -> String {
        let mut value = json!({
            "v": VERSION,
            "fetchedAt": self.fetched_at,
            "etag": self.etag,
            "lastModified": self.last_modified,
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
        let record = Record {
            fetched_at: value
                .get("fetchedAt")
                .and_then(Value::as_u64)
                .ok_or("no fetch time")?,
            body: text_field("body").ok_or("no body")?,
            etag: text_field("etag"),
            last_modified: text_field("lastModified"),
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
        let fields = [
            Some(key),
            Some(fetched_at.as_str()),
            self.etag.as_deref(),
            self.last_modified.as_deref(),
            Some(self.body.as_str()),
        ];
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
