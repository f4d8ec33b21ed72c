//! A fetched JSON Web Key Set, reduced to its signing keys, and the rules
//! `jwks-rsa` uses to pick one of them.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

use crate::error::{Error, KEYS_NOT_ARRAY, NO_KEYS, NO_KID_MANY_KEYS, NO_SIGNING_KEYS, NULL_BODY};
use crate::keys::jwk::parse_key_with;
use crate::keys::key_types::KeyTypes;
use crate::keys::skip_reason::{MAX_KEYS_PER_SET, SkipReason};

/// JavaScript's `value.length` for a JSON value that is not an array.
fn js_length(value: &Value) -> Option<&Value> {
    match value {
        Value::Object(map) => map.get("length"),
        // A string's length is truthy exactly when the string is not empty.
        Value::String(s) => (!s.is_empty()).then_some(value),
        _ => None,
    }
}

/// JavaScript truthiness of a JSON value.
fn js_truthy(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(_) | Value::Object(_)) => true,
    }
}

/// A public key ready to verify signatures, as handed to JavaScript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningKey {
    /// `kid` of the JWK, when it is a non-empty string.
    pub kid: Option<String>,
    /// `alg` of the JWK, when it is a non-empty string.
    pub alg: Option<String>,
    /// SPKI PEM, identical to what Node's `KeyObject.export` produces.
    pub pem: String,
}

/// A key of the set that was not made a signing key, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Position in the `keys` array.
    pub index: usize,
    /// `kid` of the entry, when it has a string one.
    pub kid: Option<String>,
    /// Why it was skipped.
    pub reason: SkipReason,
}

/// What a lookup asks for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum KidQuery {
    /// `undefined` or `null`: the set's only key, if it has one.
    Absent,
    /// A string kid, matched exactly.
    Kid(String),
    /// A kid that is not a string (a number, an object): it never matches,
    /// but, as in jwks-rsa, it still costs a lookup. Holds its display text.
    Unmatchable(String),
}

impl KidQuery {
    /// The message of the `SigningKeyNotFoundError` for this query.
    pub fn not_found_message(&self) -> String {
        match self {
            KidQuery::Absent => "Unable to find a signing key that matches 'undefined'".to_owned(),
            KidQuery::Kid(kid) | KidQuery::Unmatchable(kid) => {
                format!("Unable to find a signing key that matches '{kid}'")
            }
        }
    }
}

/// The signing keys of one response, in the order the endpoint listed them.
#[derive(Debug, Default)]
pub struct KeySet {
    keys: Vec<Arc<SigningKey>>,
    by_kid: HashMap<String, usize>,
    skipped: Vec<Skipped>,
}

impl KeySet {
    /// Builds a set from the parsed JSON body of the endpoint, with the
    /// errors jwks-rsa's code gives for a body of the wrong shape.
    ///
    /// # Errors
    /// `TypeError` (flagged as the endpoint being unavailable) for a `null`
    /// body; `TypeError` when `keys` is not an array but has a truthy
    /// `length`; `JwksError` when the body holds no keys or no usable signing
    /// key.
    pub fn from_json(body: &Value) -> Result<Self, Error> {
        Self::from_json_with(body, KeyTypes::default())
    }

    /// [`KeySet::from_json`], also serving the extra key types `types` turns on.
    ///
    /// # Errors
    /// As [`KeySet::from_json`].
    pub fn from_json_with(body: &Value, types: KeyTypes) -> Result<Self, Error> {
        let keys = match body {
            Value::Null => {
                return Err(Error::TypeError {
                    message: NULL_BODY,
                    endpoint_unavailable: true,
                });
            }
            Value::Object(map) => map.get("keys"),
            _ => None,
        };
        match keys {
            Some(Value::Array(entries)) if !entries.is_empty() => {
                Self::from_entries_with(entries, types)
            }
            Some(other) if js_truthy(js_length(other)) => Err(Error::TypeError {
                message: KEYS_NOT_ARRAY,
                endpoint_unavailable: false,
            }),
            _ => Err(Error::content(NO_KEYS)),
        }
    }

    /// Builds a set from the entries of a `keys` array. Only the first
    /// [`MAX_KEYS_PER_SET`] entries are read; the rest are reported as one
    /// skipped entry.
    ///
    /// # Errors
    /// `JwksError` when no entry is a usable signing key.
    pub fn from_entries(entries: &[Value]) -> Result<Self, Error> {
        Self::from_entries_with(entries, KeyTypes::default())
    }

    /// [`KeySet::from_entries`], also serving the extra key types `types` turns on.
    ///
    /// # Errors
    /// As [`KeySet::from_entries`].
    pub fn from_entries_with(entries: &[Value], types: KeyTypes) -> Result<Self, Error> {
        let mut set = KeySet::default();
        for (index, entry) in entries.iter().enumerate().take(MAX_KEYS_PER_SET) {
            match parse_key_with(entry, types).and_then(|k| {
                crate::keys::pem::spki_pem(&k.material).map(|pem| SigningKey {
                    kid: k.kid,
                    alg: k.alg,
                    pem,
                })
            }) {
                Ok(key) => set.push(key),
                Err(reason) => set.skipped.push(Skipped {
                    index,
                    kid: entry.get("kid").and_then(Value::as_str).map(str::to_owned),
                    reason,
                }),
            }
        }
        if entries.len() > MAX_KEYS_PER_SET {
            set.skipped.push(Skipped {
                index: MAX_KEYS_PER_SET,
                kid: None,
                reason: SkipReason::OverLimit {
                    ignored: entries.len() - MAX_KEYS_PER_SET,
                },
            });
        }
        if set.keys.is_empty() {
            return Err(Error::content(NO_SIGNING_KEYS));
        }
        Ok(set)
    }

    fn push(&mut self, key: SigningKey) {
        if let Some(kid) = &key.kid {
            // The first key with a kid wins, as `Array.prototype.find` does.
            self.by_kid.entry(kid.clone()).or_insert(self.keys.len());
        }
        self.keys.push(Arc::new(key));
    }

    /// The signing keys, in endpoint order.
    pub fn keys(&self) -> &[Arc<SigningKey>] {
        &self.keys
    }

    /// The keys that were skipped, with reasons.
    pub fn skipped(&self) -> &[Skipped] {
        &self.skipped
    }

    /// The key with this kid.
    pub fn find(&self, kid: &str) -> Option<&Arc<SigningKey>> {
        self.by_kid.get(kid).and_then(|i| self.keys.get(*i))
    }

    /// Picks the key for a lookup with jwks-rsa's rules.
    ///
    /// # Errors
    /// `SigningKeyNotFoundError` when no key matches, or when no kid is given
    /// and the set holds more than one key.
    pub fn select(&self, query: &KidQuery) -> Result<&Arc<SigningKey>, Error> {
        let found = match query {
            KidQuery::Absent => match self.keys.as_slice() {
                [only] => Some(only),
                _ => {
                    return Err(Error::SigningKeyNotFoundError(NO_KID_MANY_KEYS.to_owned()));
                }
            },
            KidQuery::Kid(kid) => self.find(kid),
            KidQuery::Unmatchable(_) => None,
        };
        found.ok_or_else(|| Error::SigningKeyNotFoundError(query.not_found_message()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rsa(kid: Option<&str>) -> Value {
        let n = format!("{}{}", "w".repeat(84), "BQ");
        let mut key = json!({ "kty": "RSA", "n": n, "e": "AQAB" });
        if let (Some(kid), Some(map)) = (kid, key.as_object_mut()) {
            map.insert("kid".into(), json!(kid));
        }
        key
    }

    fn message(err: Error) -> String {
        err.to_string()
    }

    #[test]
    fn empty_or_missing_keys_is_no_keys() {
        for body in [
            json!({}),
            json!({ "keys": [] }),
            json!({ "keys": {} }),
            json!({ "keys": { "length": 0 } }),
            json!({ "keys": "" }),
            json!({ "keys": 7 }),
            json!({ "keys": null }),
            json!([]),
            json!("keys"),
            json!(true),
        ] {
            assert_eq!(
                KeySet::from_json(&body).map(|_| ()).map_err(message),
                Err(NO_KEYS.to_owned())
            );
        }
    }

    #[test]
    fn shapes_jwks_rsa_reads_as_type_errors() {
        let null = KeySet::from_json(&json!(null)).map(|_| ());
        assert_eq!(
            null,
            Err(Error::TypeError {
                message: NULL_BODY,
                endpoint_unavailable: true,
            })
        );
        assert!(null.is_err_and(|e| e.is_endpoint_unavailable() && e.class_name() == "TypeError"));
        for body in [
            json!({ "keys": "abc" }),
            json!({ "keys": { "length": 2 } }),
            json!({ "keys": { "length": "0" } }),
        ] {
            let err = KeySet::from_json(&body).map(|_| ());
            assert_eq!(
                err,
                Err(Error::TypeError {
                    message: KEYS_NOT_ARRAY,
                    endpoint_unavailable: false,
                }),
                "{body}"
            );
        }
    }

    #[test]
    fn entries_past_the_bound_are_not_read() {
        let mut entries = vec![json!(1); MAX_KEYS_PER_SET - 1];
        entries.push(rsa(Some("last-read")));
        entries.push(rsa(Some("past-the-bound")));
        entries.push(json!(null));
        let set = KeySet::from_entries(&entries).expect("one key read");
        assert_eq!(set.keys().len(), 1);
        assert!(set.find("past-the-bound").is_none());
        let last = set.skipped().last().expect("a summary");
        assert_eq!(last.index, MAX_KEYS_PER_SET);
        assert_eq!(last.reason, SkipReason::OverLimit { ignored: 2 });
        assert_eq!(set.skipped().len(), MAX_KEYS_PER_SET);
    }

    #[test]
    fn only_skipped_keys_is_no_signing_keys() {
        let body = json!({ "keys": [{ "kty": "oct", "k": "AA" }, 1, null] });
        let err = KeySet::from_json(&body).map(|_| ()).map_err(message);
        assert_eq!(err, Err(NO_SIGNING_KEYS.to_owned()));
    }

    #[test]
    fn selection_follows_jwks_rsa() {
        let set =
            KeySet::from_json(&json!({ "keys": [rsa(Some("a")), rsa(Some("b")), rsa(None)] }))
                .expect("three keys");
        assert_eq!(set.keys().len(), 3);
        let b = set.select(&KidQuery::Kid("b".into())).expect("b");
        assert_eq!(b.kid.as_deref(), Some("b"));
        let none = set.select(&KidQuery::Absent).map_err(message);
        assert_eq!(none.err(), Some(NO_KID_MANY_KEYS.to_owned()));
        let missing = set.select(&KidQuery::Kid("zz".into())).map_err(message);
        assert_eq!(
            missing.err().as_deref(),
            Some("Unable to find a signing key that matches 'zz'")
        );
        let number = set
            .select(&KidQuery::Unmatchable("123".into()))
            .map_err(message);
        assert_eq!(
            number.err().as_deref(),
            Some("Unable to find a signing key that matches '123'")
        );
    }

    #[test]
    fn a_single_key_answers_a_lookup_without_kid() {
        let set = KeySet::from_json(&json!({ "keys": [rsa(None)] })).expect("one key");
        assert!(set.select(&KidQuery::Absent).is_ok());
    }

    #[test]
    fn skipped_keys_are_reported_with_reasons() {
        let body = json!({ "keys": [rsa(Some("ok")), { "kty": "RSA", "kid": "bad", "n": "AA", "e": "AQAB" }] });
        let set = KeySet::from_json(&body).expect("one usable key");
        assert_eq!(set.skipped().len(), 1);
        assert_eq!(set.skipped()[0].kid.as_deref(), Some("bad"));
        assert_eq!(set.skipped()[0].reason, SkipReason::InvalidModulus);
    }
}
