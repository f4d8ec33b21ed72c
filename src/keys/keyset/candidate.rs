//! An entry of a set that passed the JWK checks, made a signing key the
//! first time something asks for it.

use std::sync::{Arc, OnceLock};

use crate::keys::jwk::CheckedKey;
use crate::keys::keyset::Skipped;
use crate::keys::pem::spki_der;
use crate::keys::signing_key::SigningKey;
use crate::keys::skip_reason::SkipReason;

/// One entry of the `keys` array whose members passed the checks. Whether
/// its material makes a key (a valid modulus, a point on the curve) is
/// known once it is decoded, on first use; the answer is kept, and threads
/// asking at the same time wait for the one deciding it.
#[derive(Debug)]
pub(super) struct Candidate {
    /// Position in the `keys` array.
    pub index: usize,
    /// `kid` of the entry when it is a string, even empty: what a report
    /// of the entry, if skipped, shows.
    pub entry_kid: Option<String>,
    /// The checked JWK; its `kid` is the one lookups match.
    pub checked: CheckedKey,
    key: OnceLock<Result<Arc<SigningKey>, SkipReason>>,
}

impl Candidate {
    pub fn new(index: usize, entry_kid: Option<String>, checked: CheckedKey) -> Self {
        Candidate {
            index,
            entry_kid,
            checked,
            key: OnceLock::new(),
        }
    }

    /// The `kid` lookups match.
    pub fn kid(&self) -> Option<&str> {
        self.checked.kid.as_deref()
    }

    /// The signing key, or why the material makes none.
    pub fn resolve(&self) -> &Result<Arc<SigningKey>, SkipReason> {
        self.key.get_or_init(|| {
            let der = spki_der(&self.checked.material.decode())?;
            let CheckedKey { kid, alg, .. } = &self.checked;
            Ok(Arc::new(SigningKey::new(kid.clone(), alg.clone(), der)))
        })
    }

    /// The signing key, when the material makes one.
    pub fn usable(&self) -> Option<&Arc<SigningKey>> {
        self.resolve().as_ref().ok()
    }

    /// Whether the material has been decoded and checked.
    #[cfg(test)]
    pub fn is_resolved(&self) -> bool {
        self.key.get().is_some()
    }

    /// Why the material makes no key, as a skipped entry of the set.
    pub fn skipped(&self) -> Option<Skipped> {
        self.resolve().as_ref().err().map(|reason| Skipped {
            index: self.index,
            kid: self.entry_kid.clone(),
            reason: reason.clone(),
        })
    }
}
