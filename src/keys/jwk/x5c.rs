//! Keys published only as a certificate chain (`x5c`), read when
//! `x5cOnlyKeys` is on.
//!
//! The rule: a key is read from its first certificate only when it has none
//! of its own public members. A key that has them is read from them, as
//! jwks-rsa 4.1.0 reads it, whatever its `x5c` says, so turning the option
//! on never changes a key jwks-rsa serves.

use base64::Engine;
use base64::alphabet::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde_json::{Map, Value};

use super::Kty;
use crate::keys::key_types::KeyTypes;
use crate::keys::pem::KeyMaterial;
use crate::keys::skip_reason::SkipReason;
use crate::keys::x509;

/// RFC 7517 §4.7: each `x5c` entry is base64 (not base64url) DER; padding
/// is read whether or not it is written.
const X5C_BASE64: GeneralPurpose = GeneralPurpose::new(
    &STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The public members a JWK of this type carries its key in.
fn key_members(kty: Kty) -> &'static [&'static str] {
    match kty {
        Kty::Rsa => &["n", "e"],
        Kty::Ec => &["x", "y"],
        Kty::Okp => &["x"],
    }
}

/// The key of the first `x5c` certificate, when `types` asks for it and
/// the JWK has none of its own members; `None` means "read the members".
///
/// # Errors
/// Why the certificate cannot stand in for the members: not a certificate,
/// a key type no JWK describes, or one that contradicts `kty`/`crv`.
pub(super) fn certified_material(
    jwk: &Map<String, Value>,
    kty: Kty,
    types: KeyTypes,
) -> Result<Option<KeyMaterial>, SkipReason> {
    if !types.x5c_only || key_members(kty).iter().any(|m| jwk.contains_key(*m)) {
        return Ok(None);
    }
    let Some(x5c) = jwk.get("x5c") else {
        return Ok(None);
    };
    let der = leaf_der(x5c).ok_or(SkipReason::InvalidCertificate)?;
    let material = x509::spki_material(&x509::certificate_spki(&der)?)?;
    let same_kty = matches!(
        (kty, &material),
        (Kty::Rsa, KeyMaterial::Rsa { .. })
            | (Kty::Ec, KeyMaterial::Ec { .. })
            | (Kty::Okp, KeyMaterial::Okp { .. })
    );
    let same_crv = match (kty, jwk.get("crv")) {
        (Kty::Rsa, _) | (_, None) => true,
        (_, Some(given)) => given.as_str() == crv_of(&material),
    };
    if same_kty && same_crv {
        Ok(Some(material))
    } else {
        Err(SkipReason::CertificateMismatch)
    }
}

/// The JWK `crv` of certified material (none for RSA).
pub(super) fn crv_of(material: &KeyMaterial) -> Option<&'static str> {
    match material {
        KeyMaterial::Rsa { .. } => None,
        KeyMaterial::Ec { curve, .. } => Some(curve.crv()),
        KeyMaterial::Okp { curve, .. } => Some(curve.crv()),
    }
}

/// The DER of the first certificate: the one holding the key (RFC 7517 §4.7).
fn leaf_der(x5c: &Value) -> Option<Vec<u8>> {
    let leaf = x5c.as_array()?.first()?.as_str()?;
    X5C_BASE64.decode(leaf).ok()
}
