//! A fetched JSON Web Key Set, reduced to its signing keys, and the rules
//! `jwks-rsa` uses to pick one of them.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

use crate::error::{Error, NO_KEYS, NO_KID_MANY_KEYS, NO_SIGNING_KEYS};
use crate::jwk::parse_key;
use crate::skip::SkipReason;

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
    /// Builds a set from the parsed JSON body of the endpoint.
    ///
    /// # Errors
    /// `JwksError` when the body holds no keys or no usable signing key.
    pub fn from_json(body: &Value) -> Result<Self, Error> {
        let entries = match body.get("keys") {
            Some(Value::Array(entries)) if !entries.is_empty() => entries,
            _ => return Err(Error::content(NO_KEYS)),
        };
        Self::from_entries(entries)
    }

    /// Builds a set from the entries of a `keys` array.
    ///
    /// # Errors
    /// `JwksError` when no entry is a usable signing key.
    pub fn from_entries(entries: &[Value]) -> Result<Self, Error> {
        let mut set = KeySet::default();
        for (index, entry) in entries.iter().enumerate() {
            match parse_key(entry).and_then(|k| {
                crate::pem::spki_pem(&k.material).map(|pem| SigningKey {
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
            json!(null),
            json!([]),
        ] {
            assert_eq!(
                KeySet::from_json(&body).map(|_| ()).map_err(message),
                Err(NO_KEYS.to_owned())
            );
        }
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
