//! Which signing keys fit a token's `alg`. jwks-rsa picks a key by kid
//! alone, so when a set lists an RSA and an EC key under one kid, an ES256
//! token is handed the RSA key, and a PS256 token the key of an
//! `alg: "RS256"` JWK; jose and aws-jwt-verify refuse both. The framework
//! helpers' `selectByAlg` asks for the key of the kid that fits instead.

use crate::keys::pem::{EcCurve, KeyMaterial, OkpCurve};

/// A key's type and curve: what decides the algorithms it verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyFamily {
    /// An RSA key (RS* and PS*).
    Rsa,
    /// An EC key on this curve (the one ES* algorithm of the curve).
    Ec(EcCurve),
    /// An octet key pair on this curve (EdDSA for Ed25519 and Ed448).
    Okp(OkpCurve),
}

impl KeyFamily {
    /// The family of decoded key material.
    pub fn of(material: &KeyMaterial) -> Self {
        match material {
            KeyMaterial::Rsa { .. } => KeyFamily::Rsa,
            KeyMaterial::Ec { curve, .. } => KeyFamily::Ec(*curve),
            KeyMaterial::Okp { curve, .. } => KeyFamily::Okp(*curve),
        }
    }

    /// Whether a key of this family verifies signatures made with `alg`.
    pub fn verifies(self, alg: &str) -> bool {
        match self {
            KeyFamily::Rsa => matches!(
                alg,
                "RS256" | "RS384" | "RS512" | "PS256" | "PS384" | "PS512"
            ),
            KeyFamily::Ec(curve) => {
                let signs = match curve {
                    EcCurve::P256 => "ES256",
                    EcCurve::P384 => "ES384",
                    EcCurve::P521 => "ES512",
                    EcCurve::Secp256k1 => "ES256K",
                };
                alg == signs
            }
            KeyFamily::Okp(OkpCurve::Ed25519 | OkpCurve::Ed448) => alg == "EdDSA",
            KeyFamily::Okp(OkpCurve::X25519) => false,
        }
    }
}

/// Whether a key of `family` that declares `declared` (its JWK's `alg`, if
/// any) fits a token signed with `alg`: the family must verify it, and a
/// declared `alg` must be this one.
pub fn fits(family: KeyFamily, declared: Option<&str>, alg: &str) -> bool {
    declared.is_none_or(|own| own == alg) && family.verifies(alg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_family_verifies_its_own_algorithms() {
        for alg in ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"] {
            assert!(KeyFamily::Rsa.verifies(alg), "{alg}");
        }
        assert!(!KeyFamily::Rsa.verifies("ES256"));
        assert!(KeyFamily::Ec(EcCurve::P256).verifies("ES256"));
        assert!(!KeyFamily::Ec(EcCurve::P256).verifies("ES384"));
        assert!(KeyFamily::Ec(EcCurve::P384).verifies("ES384"));
        assert!(KeyFamily::Ec(EcCurve::P521).verifies("ES512"));
        assert!(KeyFamily::Ec(EcCurve::Secp256k1).verifies("ES256K"));
        assert!(KeyFamily::Okp(OkpCurve::Ed25519).verifies("EdDSA"));
        assert!(KeyFamily::Okp(OkpCurve::Ed448).verifies("EdDSA"));
        assert!(!KeyFamily::Okp(OkpCurve::X25519).verifies("EdDSA"));
        assert!(!KeyFamily::Okp(OkpCurve::Ed25519).verifies("RS256"));
    }

    #[test]
    fn a_declared_alg_must_be_the_tokens() {
        assert!(fits(KeyFamily::Rsa, None, "PS256"));
        assert!(fits(KeyFamily::Rsa, Some("PS256"), "PS256"));
        assert!(!fits(KeyFamily::Rsa, Some("RS256"), "PS256"));
        assert!(!fits(KeyFamily::Rsa, Some("RSA-OAEP"), "RS256"));
    }
}
