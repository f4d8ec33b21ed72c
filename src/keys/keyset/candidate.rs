//! An entry of a set that passed the JWK checks, made a signing key the
//! first time something asks for it.

use std::sync::{Arc, OnceLock};

use super::texts::{Span, Texts};
use crate::keys::alg_fit::KeyFamily;
use crate::keys::jwk::{CheckedKey, EncodedMaterial};
use crate::keys::keyset::Skipped;
use crate::keys::pem::spki_der;
use crate::keys::signing_key::SigningKey;
use crate::keys::skip_reason::SkipReason;

/// One entry of the `keys` array whose members passed the checks. Whether
/// its material makes a key (a valid modulus, a point on the curve) is
/// known once it is decoded, on first use; the answer is kept, and threads
/// asking at the same time wait for the one deciding it. Its text is in
/// the set's [`Texts`], which every method takes.
#[derive(Debug)]
pub(super) struct Candidate {
    /// Position in the `keys` array.
    pub index: usize,
    /// `kid` of the entry when it is a string, even empty: what a report
    /// of the entry, if skipped, shows.
    entry_kid: Option<Span>,
    /// The checked key's `kid`: the one lookups match.
    kid: Option<Span>,
    alg: Option<Span>,
    material: EncodedMaterial<Span>,
    key: OnceLock<Result<Arc<SigningKey>, SkipReason>>,
}

impl Candidate {
    /// The entry at `index`, its text kept in `texts`.
    pub fn new(
        index: usize,
        entry_kid: Option<&str>,
        checked: &CheckedKey<'_>,
        texts: &mut Texts,
    ) -> Self {
        Candidate {
            index,
            entry_kid: entry_kid.map(|kid| texts.keep(kid)),
            kid: checked.kid.map(|kid| texts.keep(kid)),
            alg: checked.alg.map(|alg| texts.keep(alg)),
            material: checked.material.map(|member| texts.keep(member)),
            key: OnceLock::new(),
        }
    }

    /// The `kid` lookups match.
    pub fn kid<'t>(&self, texts: &'t Texts) -> Option<&'t str> {
        self.kid.map(|span| texts.get(span))
    }

    /// The signing key, or why the material makes none.
    pub fn resolve(&self, texts: &Texts) -> &Result<Arc<SigningKey>, SkipReason> {
        self.key.get_or_init(|| {
            let material = self.material.map(|span| texts.get(*span)).decode();
            let der = spki_der(&material)?;
            let text = |span: Option<Span>| span.map(|span| texts.get(span).to_owned());
            Ok(Arc::new(SigningKey::new(
                text(self.kid),
                text(self.alg),
                KeyFamily::of(&material),
                der,
            )))
        })
    }

    /// The signing key, when the material makes one.
    pub fn usable(&self, texts: &Texts) -> Option<&Arc<SigningKey>> {
        self.resolve(texts).as_ref().ok()
    }

    /// Whether the material has been decoded and checked.
    #[cfg(test)]
    pub fn is_resolved(&self) -> bool {
        self.key.get().is_some()
    }

    /// Why the material makes no key, as a skipped entry of the set.
    pub fn skipped(&self, texts: &Texts) -> Option<Skipped> {
        self.resolve(texts).as_ref().err().map(|reason| Skipped {
            index: self.index,
            kid: self.entry_kid.map(|span| texts.get(span).to_owned()),
            reason: reason.clone(),
        })
    }
}
