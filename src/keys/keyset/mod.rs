//! A fetched JSON Web Key Set, reduced to its signing keys, and the rules
//! `jwks-rsa` uses to pick one of them.
//!
//! jwks-rsa 4.1.0 imports every key of a set before it answers. Here a
//! fetched body is checked as JSON and its entries only located, with their
//! kids ([`crate::keys::json::skim`]); an entry is read, checked, decoded
//! and encoded when something needs that key: a lookup of its kid, a
//! listing of the set. A cold lookup in a large set so costs one pass over
//! the text and one key. Which keys are usable, and so what every lookup
//! and listing answers, is what converting all of them would give:
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
use crate::keys::json::{self, skim};
use crate::keys::key_types::KeyTypes;
use crate::keys::skip_reason::{MAX_KEYS_PER_SET, SkipReason};

mod entry;
mod kid_index;

pub use crate::keys::signing_key::SigningKey;
use entry::Entry;
use kid_index::KidIndex;

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
///
/// The set keeps the text its entries were read from (the body as fetched)
/// and where each entry is in it; an entry is read, checked and converted
/// when something needs that key.
#[derive(Debug)]
pub struct KeySet {
    /// The text of the entries.
    text: Arc<str>,
    /// The first [`MAX_KEYS_PER_SET`] entries of `keys`, in endpoint order.
    entries: Vec<Entry>,
    /// The entries with a kid.
    by_kid: KidIndex,
    /// How many entries are past the bound, not read.
    ignored: usize,
    /// The key types served.
    types: KeyTypes,
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
    /// Reads a set from a fetched body, as jwks-rsa reads `JSON.parse(body)`.
    /// The entries are only located: each is read and checked when its key
    /// is needed.
    ///
    /// # Errors
    /// `SyntaxError` when the body is not JSON; otherwise those of
    /// [`KeySet::from_json_with`].
    pub fn from_text(body: &Arc<str>, types: KeyTypes) -> Result<Self, Error> {
        let Some(raw) = skim::key_set(body, MAX_KEYS_PER_SET) else {
            // Not the usual shape, or not JSON: the full reader words the error.
            let json =
                json::parse(body).map_err(|e| Error::syntax(Arc::clone(body), e.to_string()))?;
            return Self::from_json_with(&json, types);
        };
        let entries = raw
            .entries
            .iter()
            .map(|e| (e.start, e.end, e.kid.as_deref()));
        Self::located(Arc::clone(body), entries, raw.total, types)
    }

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
        // The entries are written out as JSON, which reads back as the same
        // values, so that a set has one form whatever it was made from.
        let mut text = String::new();
        let mut located = Vec::new();
        for entry in entries.iter().take(MAX_KEYS_PER_SET) {
            let start = text.len();
            text.push_str(&entry.to_string());
            let kid = entry.get("kid").and_then(Value::as_str);
            located.push((start, text.len(), kid));
        }
        Self::located(Arc::from(text), located.into_iter(), entries.len(), types)
    }

    /// A set of the entries at `(start, end, kid)` of `text`, out of `total`.
    fn located<'k>(
        text: Arc<str>,
        entries: impl Iterator<Item = (usize, usize, Option<&'k str>)>,
        total: usize,
        types: KeyTypes,
    ) -> Result<Self, Error> {
        let mut set = KeySet {
            text,
            entries: Vec::new(),
            by_kid: KidIndex::default(),
            ignored: total.saturating_sub(MAX_KEYS_PER_SET),
            types,
            listing: OnceLock::new(),
        };
        for (index, (start, end, kid)) in entries.enumerate() {
            // An empty kid names no key (a checked key has none).
            if let Some(kid) = kid.filter(|kid| !kid.is_empty()) {
                set.by_kid.push(kid, index);
            }
            set.entries.push(Entry::new(index, start, end));
        }
        set.by_kid.finish();
        // Stops at the first usable key: usually the first entry.
        if !set.entries.iter().any(|e| set.usable(e).is_some()) {
            return Err(Error::content(NO_SIGNING_KEYS));
        }
        Ok(set)
    }

    fn resolve<'s>(&'s self, entry: &'s Entry) -> &'s Result<Arc<SigningKey>, Skipped> {
        entry.resolve(&self.text, self.types)
    }

    fn usable<'s>(&'s self, entry: &'s Entry) -> Option<&'s Arc<SigningKey>> {
        self.resolve(entry).as_ref().ok()
    }

    fn listing(&self) -> &Listing {
        self.listing.get_or_init(|| {
            let keys = self.entries.iter().filter_map(|e| self.usable(e));
            let failed = self
                .entries
                .iter()
                .filter_map(|e| self.resolve(e).as_ref().err());
            let mut skipped: Vec<Skipped> = failed.cloned().collect();
            if self.ignored > 0 {
                skipped.push(Skipped {
                    index: MAX_KEYS_PER_SET,
                    kid: None,
                    reason: SkipReason::OverLimit {
                        ignored: self.ignored,
                    },
                });
            }
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

    /// The first usable key of `kid`, in endpoint order, that `fits`.
    fn first_of_kid(
        &self,
        kid: &str,
        mut fits: impl FnMut(&SigningKey) -> bool,
    ) -> Option<&Arc<SigningKey>> {
        self.by_kid
            .positions(kid)
            .filter_map(|position| self.entries.get(position))
            .filter_map(|e| self.usable(e))
            .find(|key| key.kid.as_deref() == Some(kid) && fits(key))
    }

    /// The key with this kid: the first usable one, as `Array.prototype.find`
    /// over the usable keys gives. Converts the keys of this kid only.
    pub fn find(&self, kid: &str) -> Option<&Arc<SigningKey>> {
        self.first_of_kid(kid, |_| true)
    }

    /// The first usable key of `kid` that verifies a token signed with
    /// `alg`: a later key of the kid when the first does not (two keys of
    /// one kid, an RSA and an EC one), which a lookup by kid never answers.
    pub fn find_for_alg(&self, kid: &str, alg: &str) -> Option<&Arc<SigningKey>> {
        self.first_of_kid(kid, |key| key.fits(alg))
    }

    /// The only usable key, if the set has exactly one. Converts keys up to
    /// the second usable one.
    fn only(&self) -> Option<&Arc<SigningKey>> {
        let mut usable = self.entries.iter().filter_map(|e| self.usable(e));
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
