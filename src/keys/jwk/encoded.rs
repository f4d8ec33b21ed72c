//! Key material as a JWK carries it, decoded only when the key is used.
//!
//! Checking a JWK's members (kinds, algorithm, curve, presence) is cheap;
//! decoding its base64url members and checking the key they make is most of
//! the cost of a key. A set is read with the first, and each key gets the
//! second when it is asked for, so a lookup of one kid in a large set pays
//! for one key.

use base64::Engine;
use base64::alphabet::URL_SAFE;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use crate::keys::pem::{EcCurve, KeyMaterial, OkpCurve};

/// The key of a JWK that passed the member checks, not decoded yet: each
/// member as a `T`, the text itself (`&str`, `String`) or where a holder of
/// the text keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EncodedMaterial<T> {
    /// RSA modulus and exponent, base64url.
    Rsa {
        /// Member `n`.
        n: T,
        /// Member `e`.
        e: T,
    },
    /// EC point coordinates, base64url.
    Ec {
        /// The curve.
        curve: EcCurve,
        /// Member `x`.
        x: T,
        /// Member `y`.
        y: T,
    },
    /// Octet key pair public key, base64url.
    Okp {
        /// The curve.
        curve: OkpCurve,
        /// Member `x`.
        x: T,
    },
    /// The key of an `x5c` certificate: decoded already, since the
    /// certificate had to be read to check it against `kty` and `crv`.
    Certified(KeyMaterial),
}

impl<T> EncodedMaterial<T> {
    /// The same material with each member mapped by `f`.
    pub fn map<U>(&self, mut f: impl FnMut(&T) -> U) -> EncodedMaterial<U> {
        match self {
            EncodedMaterial::Rsa { n, e } => EncodedMaterial::Rsa { n: f(n), e: f(e) },
            EncodedMaterial::Ec { curve, x, y } => EncodedMaterial::Ec {
                curve: *curve,
                x: f(x),
                y: f(y),
            },
            EncodedMaterial::Okp { curve, x } => EncodedMaterial::Okp {
                curve: *curve,
                x: f(x),
            },
            EncodedMaterial::Certified(material) => EncodedMaterial::Certified(material.clone()),
        }
    }
}

impl<T: AsRef<str>> EncodedMaterial<T> {
    /// The decoded material; what it is worth is for
    /// [`crate::keys::pem::spki_der`] to decide.
    pub fn decode(&self) -> KeyMaterial {
        match self {
            EncodedMaterial::Rsa { n, e } => KeyMaterial::Rsa {
                n: decode_b64url(n.as_ref()),
                e: decode_b64url(e.as_ref()),
            },
            EncodedMaterial::Ec { curve, x, y } => KeyMaterial::Ec {
                curve: *curve,
                x: decode_b64url(x.as_ref()),
                y: decode_b64url(y.as_ref()),
            },
            EncodedMaterial::Okp { curve, x } => KeyMaterial::Okp {
                curve: *curve,
                x: decode_b64url(x.as_ref()),
            },
            EncodedMaterial::Certified(material) => material.clone(),
        }
    }
}

/// Strict base64url, padded or not, trailing bits ignored. Whatever it
/// accepts (the URL-safe alphabet, then padding only at the end) Node's
/// lenient decoder reads the same way, so it is tried first.
const URL_SAFE_LENIENT_BITS: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Base64url as Node decodes JWK members (`Buffer.from(s, 'base64url')`,
/// which `createPublicKey` uses too): both alphabets, characters outside
/// them skipped (spaces, line breaks, stray symbols), decoding stops at the
/// first `=`, and a last incomplete group gives the bytes its bits fill.
/// Node reads each UTF-16 unit by its low byte; so is each unit here. What
/// the bytes are worth is for the key checks to decide.
pub fn decode_b64url(text: &str) -> Vec<u8> {
    // Members as keys publish them take the strict decoder; anything it
    // refuses (other characters, a lone last character) the lenient one.
    URL_SAFE_LENIENT_BITS
        .decode(text)
        .unwrap_or_else(|_| decode_lenient(text))
}

/// [`decode_b64url`] for any text, one UTF-16 unit at a time.
fn decode_lenient(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for unit in text.encode_utf16() {
        let sextet = match unit.to_le_bytes()[0] {
            c @ b'A'..=b'Z' => c - b'A',
            c @ b'a'..=b'z' => c - b'a' + 26,
            c @ b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            b'=' => break,
            _ => continue,
        };
        acc = (acc << 6 | u32::from(sextet)) & 0xffff;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_path_reads_what_the_lenient_decoder_reads() {
        // Every length up to three groups, over characters that exercise
        // all sextet values and nonzero trailing bits.
        let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for start in 0..64 {
            let text: String = alphabet.chars().cycle().skip(start).take(13).collect();
            for len in 0..=text.len() {
                let prefix = &text[..len];
                assert_eq!(decode_b64url(prefix), decode_lenient(prefix), "{prefix:?}");
            }
        }
    }

    #[test]
    fn padding_and_other_text_read_as_the_lenient_decoder_reads() {
        for text in [
            "AQAB=",
            "AQ==",
            "AQ=",
            "AQ=A",
            "AQ AB",
            "A+/B",
            "AQABA",
            "AQ\u{0141}B",
            "=AQAB",
            "A===",
            "AQAB====",
            "AQI=",
            "AQJ=",
        ] {
            assert_eq!(decode_b64url(text), decode_lenient(text), "{text:?}");
        }
    }
}
