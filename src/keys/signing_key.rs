//! A public key ready to verify signatures, and its PEM, made once asked for.

use std::sync::OnceLock;

use crate::keys::alg_fit::{KeyFamily, fits};
use crate::keys::der;

/// A public key ready to verify signatures, as handed to JavaScript.
///
/// Its SPKI DER is made when the key is checked; the PEM text, which only a
/// lookup of this key or a listing of the set hands out, when first asked
/// for, then kept.
#[derive(Debug, Clone)]
pub struct SigningKey {
    /// `kid` of the JWK, when it is a non-empty string.
    pub kid: Option<String>,
    /// `alg` of the JWK, when it is a non-empty string.
    pub alg: Option<String>,
    /// The key's type and curve, which decide the algorithms it verifies.
    pub family: KeyFamily,
    der: Box<[u8]>,
    pem: OnceLock<String>,
}

impl SigningKey {
    /// A key of `family` from its checked SPKI DER.
    pub fn new(kid: Option<String>, alg: Option<String>, family: KeyFamily, der: Vec<u8>) -> Self {
        SigningKey {
            kid,
            alg,
            family,
            der: der.into_boxed_slice(),
            pem: OnceLock::new(),
        }
    }

    /// Whether the key verifies a token signed with `alg` (see
    /// [`crate::keys::alg_fit`]).
    pub fn fits(&self, alg: &str) -> bool {
        fits(self.family, self.alg.as_deref(), alg)
    }

    /// SubjectPublicKeyInfo DER.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// SPKI PEM, identical to what Node's `KeyObject.export` produces
    /// (without the final newline, as jwks-rsa 4.1.0 hands it out).
    pub fn pem(&self) -> &str {
        self.pem.get_or_init(|| der::spki_pem(&self.der))
    }
}

/// The PEM is made from the DER, so the DER says all there is to compare.
impl PartialEq for SigningKey {
    fn eq(&self, other: &Self) -> bool {
        self.kid == other.kid && self.alg == other.alg && self.der == other.der
    }
}

impl Eq for SigningKey {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pem_is_made_once_from_the_der() {
        let key = SigningKey::new(Some("k".into()), None, KeyFamily::Rsa, vec![0x30, 0x00]);
        assert_eq!(key.pem(), der::spki_pem(&[0x30, 0x00]));
        assert!(std::ptr::eq(key.pem(), key.pem()));
    }

    #[test]
    fn keys_compare_by_kid_alg_and_der() {
        let key = SigningKey::new(Some("k".into()), None, KeyFamily::Rsa, vec![1]);
        let shown = key.clone();
        let _ = shown.pem();
        assert_eq!(key, shown);
        assert_ne!(
            key,
            SigningKey::new(Some("k".into()), None, KeyFamily::Rsa, vec![2])
        );
        assert_ne!(key, SigningKey::new(None, None, KeyFamily::Rsa, vec![1]));
    }
}
