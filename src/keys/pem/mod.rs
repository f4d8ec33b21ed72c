//! Public key material to SubjectPublicKeyInfo (DER and PEM).
//!
//! The output is byte-identical to Node's
//! `crypto.createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' })`.
//! Material that does not describe a usable public key is rejected here, so a
//! garbage modulus or an off-curve point never reaches a verifier.

use crate::keys::der;
use crate::keys::skip_reason::SkipReason;

/// Smallest RSA modulus accepted, in bits (Node accepts these; smaller is garbage).
pub const RSA_MIN_BITS: usize = 512;
/// Largest RSA modulus accepted, in bits (OpenSSL's own limit).
pub const RSA_MAX_BITS: usize = 16384;

/// NIST curves of `kty: "EC"` keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EcCurve {
    /// `P-256` (secp256r1).
    P256,
    /// `P-384` (secp384r1).
    P384,
    /// `P-521` (secp521r1).
    P521,
    /// `secp256k1` (ES256K): named by `crv` but served only with the
    /// `secp256k1` option (see [`crate::keys::key_types`]).
    Secp256k1,
}

impl EcCurve {
    /// The curve named by a JWK `crv`.
    pub fn from_crv(crv: &str) -> Option<Self> {
        match crv {
            "P-256" => Some(EcCurve::P256),
            "P-384" => Some(EcCurve::P384),
            "P-521" => Some(EcCurve::P521),
            "secp256k1" => Some(EcCurve::Secp256k1),
            _ => None,
        }
    }

    /// The JWK `crv` naming this curve.
    pub fn crv(self) -> &'static str {
        match self {
            EcCurve::P256 => "P-256",
            EcCurve::P384 => "P-384",
            EcCurve::P521 => "P-521",
            EcCurve::Secp256k1 => "secp256k1",
        }
    }

    /// Length in bytes of one coordinate.
    pub fn coordinate_len(self) -> usize {
        match self {
            EcCurve::P256 | EcCurve::Secp256k1 => 32,
            EcCurve::P384 => 48,
            EcCurve::P521 => 66,
        }
    }
}

/// Curves of `kty: "OKP"` keys that can be handed out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OkpCurve {
    /// Ed25519 signatures.
    Ed25519,
    /// Ed448 signatures.
    Ed448,
    /// X25519 key agreement (only reachable with an `ECDH-ES*` alg, as in jwks-rsa).
    X25519,
}

impl OkpCurve {
    /// The curve named by a JWK `crv`.
    pub fn from_crv(crv: &str) -> Option<Self> {
        match crv {
            "Ed25519" => Some(OkpCurve::Ed25519),
            "Ed448" => Some(OkpCurve::Ed448),
            "X25519" => Some(OkpCurve::X25519),
            _ => None,
        }
    }

    /// The JWK `crv` naming this curve.
    pub fn crv(self) -> &'static str {
        match self {
            OkpCurve::Ed25519 => "Ed25519",
            OkpCurve::Ed448 => "Ed448",
            OkpCurve::X25519 => "X25519",
        }
    }
}

/// Decoded public key material, big-endian magnitudes as they come from the JWK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyMaterial {
    /// RSA modulus and public exponent.
    Rsa {
        /// Modulus `n`.
        n: Vec<u8>,
        /// Public exponent `e`.
        e: Vec<u8>,
    },
    /// Affine coordinates of an EC point.
    Ec {
        /// The curve.
        curve: EcCurve,
        /// Coordinate `x`.
        x: Vec<u8>,
        /// Coordinate `y`.
        y: Vec<u8>,
    },
    /// Raw public key of an octet key pair.
    Okp {
        /// The curve.
        curve: OkpCurve,
        /// The public key bytes `x`.
        x: Vec<u8>,
    },
}

/// SPKI DER of the key, after checking the material is a valid public key.
///
/// # Errors
/// The reason the material cannot be a public key.
pub fn spki_der(material: &KeyMaterial) -> Result<Vec<u8>, SkipReason> {
    match material {
        KeyMaterial::Rsa { n, e } => rsa_spki(n, e),
        KeyMaterial::Ec { curve, x, y } => ec_spki(*curve, x, y),
        KeyMaterial::Okp { curve, x } => okp_spki(*curve, x),
    }
}

/// PEM of the key (see [`spki_der`]).
///
/// # Errors
/// The reason the material cannot be a public key.
pub fn spki_pem(material: &KeyMaterial) -> Result<String, SkipReason> {
    spki_der(material).map(|der| der::spki_pem(&der))
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let zeros = bytes.iter().take_while(|b| **b == 0).count();
    bytes.get(zeros..).unwrap_or_default()
}

fn bit_len(magnitude: &[u8]) -> usize {
    match magnitude.first() {
        Some(top) => magnitude.len() * 8 - top.leading_zeros() as usize,
        None => 0,
    }
}

fn is_odd(magnitude: &[u8]) -> bool {
    magnitude.last().is_some_and(|b| b & 1 == 1)
}

/// Checks of a usable RSA public key; the same rules as RustCrypto's `rsa`
/// (odd modulus, odd exponent in 3..2^33, e < n), with Node's size range.
fn check_rsa(n: &[u8], e: &[u8]) -> Result<(), SkipReason> {
    let bits = bit_len(n);
    if bits == 0 || !is_odd(n) {
        return Err(SkipReason::InvalidModulus);
    }
    if !(RSA_MIN_BITS..=RSA_MAX_BITS).contains(&bits) {
        return Err(SkipReason::ModulusSize(bits));
    }
    let e_bits = bit_len(e);
    if !(2..=33).contains(&e_bits) || !is_odd(e) {
        return Err(SkipReason::InvalidExponent);
    }
    // e has at most 33 bits and n at least 512, so e < n holds here.
    Ok(())
}

fn rsa_spki(n: &[u8], e: &[u8]) -> Result<Vec<u8>, SkipReason> {
    let (n, e) = (strip_leading_zeros(n), strip_leading_zeros(e));
    check_rsa(n, e)?;
    let rsa_public_key = der::sequence(&[&der::unsigned_integer(n), &der::unsigned_integer(e)]);
    Ok(der::spki(der::ALG_RSA, &rsa_public_key))
}

/// Left-pads a coordinate to the curve's size; longer values are accepted only
/// when the excess is leading zeros (OpenSSL reads them as big numbers).
fn fixed_coordinate(value: &[u8], len: usize) -> Result<Vec<u8>, SkipReason> {
    let value = if value.len() > len {
        strip_leading_zeros(value)
    } else {
        value
    };
    if value.len() > len {
        return Err(SkipReason::InvalidPoint);
    }
    let mut out = vec![0u8; len - value.len()];
    out.extend_from_slice(value);
    Ok(out)
}

fn ec_spki(curve: EcCurve, x: &[u8], y: &[u8]) -> Result<Vec<u8>, SkipReason> {
    let len = curve.coordinate_len();
    let mut point = Vec::with_capacity(1 + 2 * len);
    point.push(0x04);
    point.extend_from_slice(&fixed_coordinate(x, len)?);
    point.extend_from_slice(&fixed_coordinate(y, len)?);
    let (valid, algorithm) = match curve {
        EcCurve::P256 => (
            p256::PublicKey::from_sec1_bytes(&point).is_ok(),
            der::ALG_EC_P256,
        ),
        EcCurve::P384 => (
            p384::PublicKey::from_sec1_bytes(&point).is_ok(),
            der::ALG_EC_P384,
        ),
        EcCurve::P521 => (
            p521::PublicKey::from_sec1_bytes(&point).is_ok(),
            der::ALG_EC_P521,
        ),
        EcCurve::Secp256k1 => (
            k256::PublicKey::from_sec1_bytes(&point).is_ok(),
            der::ALG_EC_SECP256K1,
        ),
    };
    if !valid {
        return Err(SkipReason::InvalidPoint);
    }
    Ok(der::spki(algorithm, &point))
}

fn okp_spki(curve: OkpCurve, x: &[u8]) -> Result<Vec<u8>, SkipReason> {
    let algorithm = match curve {
        OkpCurve::Ed25519 => {
            if !is_valid_ed25519(x) {
                return Err(SkipReason::InvalidPoint);
            }
            der::ALG_ED25519
        }
        OkpCurve::Ed448 => {
            if !crate::keys::ed448::is_valid_public_key(x) {
                return Err(SkipReason::InvalidPoint);
            }
            der::ALG_ED448
        }
        OkpCurve::X25519 => {
            // Every 32-byte string is an X25519 public key.
            if x.len() != 32 {
                return Err(SkipReason::InvalidPoint);
            }
            der::ALG_X25519
        }
    };
    Ok(der::spki(algorithm, x))
}

/// RFC 8032 §5.1.3 decoding, strictly: the encoding is canonical (y < p),
/// decodes to a point, and that point is not of small order.
fn is_valid_ed25519(x: &[u8]) -> bool {
    let Ok(bytes) = <[u8; 32]>::try_from(x) else {
        return false;
    };
    if !is_canonical_ed25519_y(&bytes) {
        return false;
    }
    let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(&bytes) else {
        return false;
    };
    // The other non-canonical encoding, x = 0 with the sign bit set, is of
    // a point of small order (y = 1 or y = -1), refused here.
    !key.is_weak()
}

/// Whether the y coordinate (the low 255 bits, little-endian) is below
/// p = 2^255 - 19. Read from the bytes: the decoder reduces y mod p, and
/// recompressing the point to compare costs a field inversion.
fn is_canonical_ed25519_y(bytes: &[u8; 32]) -> bool {
    // y >= p exactly when y's bytes are ed ff .. ff 7f (or above, low
    // byte first): the top 254 bits all set and the low byte at least 0xed.
    let [low, middle @ .., high] = bytes;
    let at_least_p = *low >= 0xed && middle.iter().all(|b| *b == 0xff) && high & 0x7f == 0x7f;
    !at_least_p
}

#[cfg(test)]
mod tests;
