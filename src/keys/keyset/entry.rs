//! An entry of a set's `keys` array, read, checked and made a signing key
//! the first time something asks for it.

use std::sync::{Arc, OnceLock};

use serde_json::Value;

use crate::keys::alg_fit::KeyFamily;
use crate::keys::json::{parse_nested, skim::ENTRY_DEPTH};
use crate::keys::jwk::check_key_with;
use crate::keys::key_types::KeyTypes;
use crate::keys::keyset::Skipped;
use crate::keys::pem::spki_der;
use crate::keys::signing_key::SigningKey;

/// Where one entry is in the set's text, and, once asked for, its key or
/// why it makes none. The answer is kept, and threads asking at the same
/// time wait for the one deciding it.
#[derive(Debug)]
pub(super) struct Entry {
    /// Position in the `keys` array.
    index: usize,
    start: usize,
    end: usize,
    key: OnceLock<Result<Arc<SigningKey>, Skipped>>,
}

impl Entry {
    /// The entry at `index`, at `start..end` of the set's text.
    pub fn new(index: usize, start: usize, end: usize) -> Self {
        Entry {
            index,
            start,
            end,
            key: OnceLock::new(),
        }
    }

    /// The signing key, or why the entry makes none, reading the entry from
    /// `text` the first time.
    pub fn resolve(&self, text: &str, types: KeyTypes) -> &Result<Arc<SigningKey>, Skipped> {
        self.key.get_or_init(|| {
            let raw = text.get(self.start..self.end).unwrap_or_default();
            // The set's text was read as JSON when the set was made, so the
            // entry reads too; were it not, it would be no object, no key.
            let entry = parse_nested(raw, ENTRY_DEPTH).unwrap_or(Value::Null);
            let skipped = |reason| Skipped {
                index: self.index,
                kid: entry.get("kid").and_then(Value::as_str).map(str::to_owned),
                reason,
            };
            let checked = check_key_with(&entry, types).map_err(skipped)?;
            let material = checked.material.decode();
            let der = spki_der(&material).map_err(skipped)?;
            let text = |member: Option<&str>| member.map(str::to_owned);
            Ok(Arc::new(SigningKey::new(
                text(checked.kid),
                text(checked.alg),
                KeyFamily::of(&material),
                der,
            )))
        })
    }

    /// Whether the entry has been read and checked.
    #[cfg(test)]
    pub fn is_resolved(&self) -> bool {
        self.key.get().is_some()
    }
}
