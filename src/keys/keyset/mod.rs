//! A fetched JSON Web Key Set, reduced to its signing keys, and the rules
//! `jwks-rsa` uses to pick one of them.
//!
//! jwks-rsa 4.1.0 imports every key of a set before it answers. Here a set
//! is read with the checks of each JWK's members, and a key's material is
//! decoded, checked and encoded when something needs that key: a lookup of
//! its kid, a listing of the set. Which keys are usable, and so what every
//! lookup and listing answers, is what converting all of them would give:
//!
//! - a set is refused unless one of its keys is usable (the first usable
//!   one is found when the set is read, usually its first key);
//! - a kid names the first usable key with that kid, as jwks-rsa's `find`
//!   over its imported keys does: a later key of the same kid answers only
//!   when the earlier ones cannot be made keys;
//! - a lookup without kid needs the set to have exactly one usable key;
//! - listings ([`KeySet::keys`], [`KeySet::skipped`]) convert every key.

use std::sync::{Arc, OnceLock};

use serde_json::Value;

use crate::error::{Error, KEYS_NOT_ARRAY, NO_KEYS, NO_KID_MANY_KEYS, NO_SIGNING_KEYS, NULL_BODY};
use crate::keys::jwk::check_key_with;
use crate::keys::key_types::KeyTypes;
use crate::keys::skip_reason::{MAX_KEYS_PER_SET, SkipReason};

mod candidate;
mod kid_index;
mod texts;

pub use crate::keys::signing_key::SigningKey;
use candidate::Candidate;
use kid_index::KidIndex;
use texts::Texts;

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
    /// Entries that passed the JWK checks, in endpoint order.
    candidates: Vec<Candidate>,
    /// The candidates' text.
    texts: Texts,
    /// The candidates with a kid.
    by_kid: KidIndex,
    /// Entries refused by the JWK checks, and those past the bound.
    rejected: Vec<Skipped>,
    /// Every key converted, made on the first listing.
    listing: OnceLock<Listing>,
}

/// The set with every key converted.
#[derive(Debug)]
struct Listing {
    keys: Vec<Arc<SigningKey>>,
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
            let kid = entry.get("kid").and_then(Value::as_str);
            match check_key_with(entry, types) {
                Ok(checked) => {
                    let candidate = Candidate::new(index, kid, &checked, &mut set.texts);
                    set.push(candidate);
                }
                Err(reason) => set.rejected.push(Skipped {
                    index,
                    kid: kid.map(str::to_owned),
                    reason,
                }),
            }
        }
        set.by_kid.finish();
        if entries.len() > MAX_KEYS_PER_SET {
            set.rejected.push(Skipped {
                index: MAX_KEYS_PER_SET,
                kid: None,
                reason: SkipReason::OverLimit {
                    ignored: entries.len() - MAX_KEYS_PER_SET,
                },
            });
        }
        // Stops at the first usable key: the first candidate, unless its
        // material is broken.
        if !set
            .candidates
            .iter()
            .any(|c| c.usable(&set.texts).is_some())
        {
            return Err(Error::content(NO_SIGNING_KEYS));
        }
        Ok(set)
    }

    fn push(&mut self, candidate: Candidate) {
        if let Some(kid) = candidate.kid(&self.texts) {
            self.by_kid.push(kid, self.candidates.len());
        }
        self.candidates.push(candidate);
    }

    fn listing(&self) -> &Listing {
        self.listing.get_or_init(|| {
            let texts = &self.texts;
            let keys = self.candidates.iter().filter_map(|c| c.usable(texts));
            let failed = self.candidates.iter().filter_map(|c| c.skipped(texts));
            let mut skipped: Vec<Skipped> = self.rejected.iter().cloned().chain(failed).collect();
            // Stable, and the entry past the bound has the largest index.
            skipped.sort_by_key(|s| s.index);
            Listing {
                keys: keys.cloned().collect(),
                skipped,
            }
        })
    }

    /// The signing keys, in endpoint order. Converts every key, once.
    pub fn keys(&self) -> &[Arc<SigningKey>] {
        &self.listing().keys
    }

    /// The keys that were skipped, with reasons, in endpoint order.
    /// Converts every key, once.
    pub fn skipped(&self) -> &[Skipped] {
        &self.listing().skipped
    }

    /// The key with this kid: the first usable one, as `Array.prototype.find`
    /// over the usable keys gives. Converts the keys of this kid only.
    pub fn find(&self, kid: &str) -> Option<&Arc<SigningKey>> {
        self.by_kid
            .positions(kid)
            .filter_map(|position| self.candidates.get(position))
            .filter(|c| c.kid(&self.texts) == Some(kid))
            .find_map(|c| c.usable(&self.texts))
    }

    /// The first usable key of `kid` that verifies a token signed with
    /// `alg`: a later key of the kid when the first does not (two keys of
    /// one kid, an RSA and an EC one), which a lookup by kid never answers.
    pub fn find_for_alg(&self, kid: &str, alg: &str) -> Option<&Arc<SigningKey>> {
        self.by_kid
            .positions(kid)
            .filter_map(|position| self.candidates.get(position))
            .filter(|c| c.kid(&self.texts) == Some(kid))
            .filter_map(|c| c.usable(&self.texts))
            .find(|key| key.fits(alg))
    }

    /// The only usable key, if the set has exactly one. Converts keys up to
    /// the second usable one.
    fn only(&self) -> Option<&Arc<SigningKey>> {
        let mut usable = self.candidates.iter().filter_map(|c| c.usable(&self.texts));
        match (usable.next(), usable.next()) {
            (Some(only), None) => Some(only),
            _ => None,
        }
    }

    /// Picks the key for a lookup with jwks-rsa's rules.
    ///
    /// # Errors
    /// `SigningKeyNotFoundError` when no key matches, or when no kid is given
    /// and the set holds more than one key.
    pub fn select(&self, query: &KidQuery) -> Result<&Arc<SigningKey>, Error> {
        let found = match query {
            KidQuery::Absent => match self.only() {
                Some(only) => Some(only),
                None => {
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
mod tests;
