//! RFC 7517 JSON Web Keys: which entries of a set become signing keys.
//!
//! The rules follow what `jwks-rsa` 4.1.0 accepts (its filter on `use` and
//! `kty`, its algorithm inference, then the checks `jose.importJWK` and
//! WebCrypto apply), plus the material checks of [`crate::keys::pem`].
//! [`check_key_with`] applies the member checks and leaves the material
//! encoded ([`encoded`]); the material checks come when the key is used.

use serde_json::{Map, Value};

use crate::keys::key_types::KeyTypes;
use crate::keys::pem::{EcCurve, KeyMaterial, OkpCurve};
use crate::keys::skip_reason::SkipReason;

pub mod encoded;
pub use encoded::{EncodedMaterial, decode_b64url};

/// RSA members that only a private key has; a set publishing them has leaked its key.
const RSA_PRIVATE_MEMBERS: [&str; 6] = ["d", "p", "q", "dp", "dq", "qi"];

/// What WebCrypto lets the imported public key do, which bounds `key_ops`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Usage {
    /// Signature algorithms: `["verify"]`.
    Verify,
    /// RSA-OAEP: `["encrypt", "wrapKey"]`.
    Encrypt,
    /// ECDH: no usage at all for a public key.
    Derive,
}

impl Usage {
    fn allows(self, op: &str) -> bool {
        match self {
            Usage::Verify => op == "verify",
            Usage::Encrypt => op == "encrypt" || op == "wrapKey",
            Usage::Derive => false,
        }
    }
}

/// The key type a JWK declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kty {
    Rsa,
    Ec,
    Okp,
}

/// A JWK that passed every check of its members, ready to be handed out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedKey {
    /// `kid`, when the JWK has a non-empty string one.
    pub kid: Option<String>,
    /// `alg`, when the JWK has a non-empty string one (never the inferred value).
    pub alg: Option<String>,
    /// The public key material, decoded.
    pub material: KeyMaterial,
}

/// A JWK that passed every check of its members, its material not
/// decoded; its text borrowed from the JWK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedKey<'a> {
    /// `kid`, when the JWK has a non-empty string one.
    pub kid: Option<&'a str>,
    /// `alg`, when the JWK has a non-empty string one (never the inferred value).
    pub alg: Option<&'a str>,
    /// The public key material, as the JWK carries it.
    pub material: EncodedMaterial<&'a str>,
}

/// A JavaScript-truthy `alg` that is a string, an absent/falsy one, or a truthy non-string.
enum AlgMember<'a> {
    Given(&'a str),
    Absent,
    Invalid,
}

fn alg_member(jwk: &Map<String, Value>) -> AlgMember<'_> {
    match jwk.get("alg") {
        Some(Value::String(s)) if !s.is_empty() => AlgMember::Given(s),
        None | Some(Value::Null) | Some(Value::Bool(false)) | Some(Value::String(_)) => {
            AlgMember::Absent
        }
        Some(Value::Number(n)) if n.as_f64() == Some(0.0) => AlgMember::Absent,
        Some(_) => AlgMember::Invalid,
    }
}

fn non_empty_string<'a>(jwk: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    match jwk.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Some(s),
        _ => None,
    }
}

/// Turns one entry of the `keys` array into a signing key, or says why not,
/// with jwks-rsa 4.1.0's rules (no extra key types).
///
/// # Errors
/// The reason the entry is not a usable public signing key.
pub fn parse_key(entry: &Value) -> Result<ParsedKey, SkipReason> {
    parse_key_with(entry, KeyTypes::default())
}

/// [`parse_key`], also serving the extra key types `types` turns on.
///
/// # Errors
/// The reason the entry is not a usable public signing key.
pub fn parse_key_with(entry: &Value, types: KeyTypes) -> Result<ParsedKey, SkipReason> {
    let checked = check_key_with(entry, types)?;
    Ok(ParsedKey {
        kid: checked.kid.map(str::to_owned),
        alg: checked.alg.map(str::to_owned),
        material: checked.material.decode(),
    })
}

/// The checks of [`parse_key_with`] that need no decoding: every one but
/// those of the material itself, which [`crate::keys::pem::spki_der`]
/// applies to the decoded material.
///
/// # Errors
/// The reason the entry is not a usable public signing key.
pub fn check_key_with(entry: &Value, types: KeyTypes) -> Result<CheckedKey<'_>, SkipReason> {
    let jwk = entry.as_object().ok_or(SkipReason::NotAnObject)?;
    match jwk.get("use") {
        None => {}
        Some(Value::String(s)) if s == "sig" => {}
        Some(_) => return Err(SkipReason::NotForSignatures),
    }
    let kty = match jwk.get("kty").and_then(Value::as_str) {
        Some("RSA") => Kty::Rsa,
        Some("EC") => Kty::Ec,
        Some("OKP") => Kty::Okp,
        _ => return Err(SkipReason::UnsupportedKeyType),
    };
    let certified = x5c::certified_material(jwk, kty, types)?;
    let crv = match &certified {
        Some(material) => x5c::crv_of(material),
        None => jwk.get("crv").and_then(Value::as_str),
    };
    let alg = match alg_member(jwk) {
        AlgMember::Given(alg) => alg,
        AlgMember::Absent => infer_alg(kty, crv, types).ok_or(SkipReason::UnsupportedKey)?,
        AlgMember::Invalid => return Err(SkipReason::UnsupportedAlgorithm),
    };
    let usage = usage_of(alg, kty, types).ok_or(SkipReason::UnsupportedAlgorithm)?;
    reject_private(jwk, kty)?;
    check_key_ops(jwk, usage)?;
    let material = match certified {
        Some(material) => EncodedMaterial::Certified(certified_fits(material, alg, types)?),
        None => material(jwk, kty, alg, crv, types)?,
    };
    Ok(CheckedKey {
        kid: non_empty_string(jwk, "kid"),
        alg: non_empty_string(jwk, "alg"),
        material,
    })
}

/// The algorithm `jwks-rsa` assumes when a JWK has none (and jwks-rsa 3's
/// `ES256K` for secp256k1, when served).
fn infer_alg(kty: Kty, crv: Option<&str>, types: KeyTypes) -> Option<&'static str> {
    match (kty, crv) {
        (Kty::Rsa, _) => Some("RS256"),
        (Kty::Ec, Some("P-256")) => Some("ES256"),
        (Kty::Ec, Some("P-384")) => Some("ES384"),
        (Kty::Ec, Some("P-521")) => Some("ES512"),
        (Kty::Ec, Some("secp256k1")) if types.secp256k1 => Some("ES256K"),
        (Kty::Okp, Some("Ed25519" | "Ed448")) => Some("EdDSA"),
        _ => None,
    }
}

/// What a public key of this type may do under `alg`, if the pair is valid at all.
fn usage_of(alg: &str, kty: Kty, types: KeyTypes) -> Option<Usage> {
    let usage = match alg {
        "RS256" | "RS384" | "RS512" | "PS256" | "PS384" | "PS512" if kty == Kty::Rsa => {
            Usage::Verify
        }
        "RSA-OAEP" | "RSA-OAEP-256" | "RSA-OAEP-384" | "RSA-OAEP-512" if kty == Kty::Rsa => {
            Usage::Encrypt
        }
        "ES256" | "ES384" | "ES512" if kty == Kty::Ec => Usage::Verify,
        "ES256K" if kty == Kty::Ec && types.secp256k1 => Usage::Verify,
        "EdDSA" | "Ed25519" if kty == Kty::Okp => Usage::Verify,
        "ECDH-ES" | "ECDH-ES+A128KW" | "ECDH-ES+A192KW" | "ECDH-ES+A256KW" if kty != Kty::Rsa => {
            Usage::Derive
        }
        _ => return None,
    };
    Some(usage)
}

fn reject_private(jwk: &Map<String, Value>, kty: Kty) -> Result<(), SkipReason> {
    let leaked = jwk.contains_key("d")
        || (kty == Kty::Rsa && RSA_PRIVATE_MEMBERS.iter().any(|m| jwk.contains_key(*m)))
        || jwk.contains_key("oth");
    if leaked {
        Err(SkipReason::PrivateKey)
    } else {
        Ok(())
    }
}

/// `key_ops`, when present, must be unique strings the public key may perform.
fn check_key_ops(jwk: &Map<String, Value>, usage: Usage) -> Result<(), SkipReason> {
    let Some(value) = jwk.get("key_ops") else {
        return Ok(());
    };
    let ops = value.as_array().ok_or(SkipReason::InvalidKeyOps)?;
    let mut seen: Vec<&str> = Vec::with_capacity(ops.len());
    for op in ops {
        let op = op.as_str().ok_or(SkipReason::InvalidKeyOps)?;
        if seen.contains(&op) || !usage.allows(op) {
            return Err(SkipReason::InvalidKeyOps);
        }
        seen.push(op);
    }
    Ok(())
}

/// A required base64url member, as written.
fn member<'a>(jwk: &'a Map<String, Value>, name: &'static str) -> Result<&'a str, SkipReason> {
    jwk.get(name)
        .and_then(Value::as_str)
        .ok_or(SkipReason::MissingMember(name))
}

fn material<'a>(
    jwk: &'a Map<String, Value>,
    kty: Kty,
    alg: &str,
    crv: Option<&str>,
    types: KeyTypes,
) -> Result<EncodedMaterial<&'a str>, SkipReason> {
    match kty {
        Kty::Rsa => Ok(EncodedMaterial::Rsa {
            n: member(jwk, "n")?,
            e: member(jwk, "e")?,
        }),
        Kty::Ec => {
            let curve = crv
                .and_then(EcCurve::from_crv)
                .ok_or(SkipReason::UnsupportedCurve)?;
            Ok(EncodedMaterial::Ec {
                curve: ec_curve_for(alg, curve, types)?,
                x: member(jwk, "x")?,
                y: member(jwk, "y")?,
            })
        }
        Kty::Okp => {
            let curve = crv
                .and_then(OkpCurve::from_crv)
                .ok_or(SkipReason::UnsupportedCurve)?;
            Ok(EncodedMaterial::Okp {
                curve: okp_curve_for(alg, curve)?,
                x: member(jwk, "x")?,
            })
        }
    }
}

/// Material read from a certificate, checked against `alg` as the JWK's
/// own members would be.
fn certified_fits(
    material: KeyMaterial,
    alg: &str,
    types: KeyTypes,
) -> Result<KeyMaterial, SkipReason> {
    match &material {
        KeyMaterial::Rsa { .. } => {}
        KeyMaterial::Ec { curve, .. } => {
            ec_curve_for(alg, *curve, types)?;
        }
        KeyMaterial::Okp { curve, .. } => {
            okp_curve_for(alg, *curve)?;
        }
    }
    Ok(material)
}

/// The curve, when it is served and `alg` may use it.
fn ec_curve_for(alg: &str, curve: EcCurve, types: KeyTypes) -> Result<EcCurve, SkipReason> {
    let served = curve != EcCurve::Secp256k1 || types.secp256k1;
    let fits = match alg {
        "ES256" => curve == EcCurve::P256,
        "ES384" => curve == EcCurve::P384,
        "ES512" => curve == EcCurve::P521,
        "ES256K" => curve == EcCurve::Secp256k1,
        _ => true,
    };
    if served && fits {
        Ok(curve)
    } else {
        Err(SkipReason::UnsupportedCurve)
    }
}

/// The curve, when `alg` may use it.
fn okp_curve_for(alg: &str, curve: OkpCurve) -> Result<OkpCurve, SkipReason> {
    let fits = match alg {
        "EdDSA" => curve != OkpCurve::X25519,
        "Ed25519" => curve == OkpCurve::Ed25519,
        _ => curve == OkpCurve::X25519,
    };
    if fits {
        Ok(curve)
    } else {
        Err(SkipReason::UnsupportedCurve)
    }
}

#[cfg(test)]
mod tests;
mod x5c;
