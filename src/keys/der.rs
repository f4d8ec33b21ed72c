//! The few DER and PEM encodings an SPKI public key needs.
//!
//! Written by hand because the output must match OpenSSL's byte for byte and
//! only four constructs are involved: SEQUENCE, INTEGER, BIT STRING and fixed
//! OBJECT IDENTIFIER / NULL encodings.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// DER of the AlgorithmIdentifier for `rsaEncryption` (OID 1.2.840.113549.1.1.1, NULL parameters).
pub const ALG_RSA: &[u8] = &[
    0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
];
/// DER of the AlgorithmIdentifier for `id-ecPublicKey` on P-256.
pub const ALG_EC_P256: &[u8] = &[
    0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
    0xce, 0x3d, 0x03, 0x01, 0x07,
];
/// DER of the AlgorithmIdentifier for `id-ecPublicKey` on P-384.
pub const ALG_EC_P384: &[u8] = &[
    0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x05, 0x2b, 0x81, 0x04,
    0x00, 0x22,
];
/// DER of the AlgorithmIdentifier for `id-ecPublicKey` on P-521.
pub const ALG_EC_P521: &[u8] = &[
    0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x05, 0x2b, 0x81, 0x04,
    0x00, 0x23,
];
/// DER of the AlgorithmIdentifier for `id-ecPublicKey` on secp256k1 (OID 1.3.132.0.10).
pub const ALG_EC_SECP256K1: &[u8] = &[
    0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x05, 0x2b, 0x81, 0x04,
    0x00, 0x0a,
];
/// DER of the AlgorithmIdentifier for Ed25519 (OID 1.3.101.112, no parameters).
pub const ALG_ED25519: &[u8] = &[0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70];
/// DER of the AlgorithmIdentifier for Ed448 (OID 1.3.101.113).
pub const ALG_ED448: &[u8] = &[0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x71];
/// DER of the AlgorithmIdentifier for X25519 (OID 1.3.101.110).
pub const ALG_X25519: &[u8] = &[0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e];

/// Tag of an INTEGER.
pub const TAG_INTEGER: u8 = 0x02;
/// Tag of a BIT STRING.
pub const TAG_BIT_STRING: u8 = 0x03;
/// Tag of a SEQUENCE (constructed).
pub const TAG_SEQUENCE: u8 = 0x30;

/// Appends a DER definite length.
fn push_len(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
        return;
    }
    let bytes = len.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count();
    let significant = bytes.get(skip..).unwrap_or_default();
    out.push(0x80 | significant.len() as u8);
    out.extend_from_slice(significant);
}

/// Appends a complete TLV whose content is the concatenation of `parts`.
fn push_tlv(out: &mut Vec<u8>, tag: u8, parts: &[&[u8]]) {
    out.push(tag);
    push_len(out, parts.iter().map(|p| p.len()).sum());
    for part in parts {
        out.extend_from_slice(part);
    }
}

/// DER INTEGER of a non-negative big-endian magnitude without leading zeros.
///
/// A zero byte is prepended when the top bit is set, so the value stays positive.
pub fn unsigned_integer(magnitude: &[u8]) -> Vec<u8> {
    let pad: &[u8] = match magnitude.first() {
        Some(b) if b & 0x80 != 0 => &[0],
        None => &[0],
        _ => &[],
    };
    let mut out = Vec::with_capacity(magnitude.len() + 6);
    push_tlv(&mut out, TAG_INTEGER, &[pad, magnitude]);
    out
}

/// DER SEQUENCE of already-encoded elements.
pub fn sequence(elements: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::with_capacity(elements.iter().map(|e| e.len()).sum::<usize>() + 6);
    push_tlv(&mut out, TAG_SEQUENCE, elements);
    out
}

/// SubjectPublicKeyInfo: the algorithm identifier and the key as a BIT STRING.
pub fn spki(algorithm: &[u8], subject_public_key: &[u8]) -> Vec<u8> {
    let mut bits = Vec::with_capacity(subject_public_key.len() + 6);
    push_tlv(&mut bits, TAG_BIT_STRING, &[&[0], subject_public_key]);
    sequence(&[algorithm, &bits])
}

/// PEM text of an SPKI DER: Node's `KeyObject.export({ type: 'spki', format: 'pem' })`
/// without its final newline, as jwks-rsa 4.1.0 hands it out.
pub fn spki_pem(der: &[u8]) -> String {
    const HEADER: &str = "-----BEGIN PUBLIC KEY-----\n";
    // No final newline: jwks-rsa 4.1.0's PEM, byte for byte.
    const FOOTER: &str = "-----END PUBLIC KEY-----";
    let b64 = STANDARD.encode(der);
    let mut pem =
        String::with_capacity(HEADER.len() + FOOTER.len() + b64.len() + b64.len() / 64 + 1);
    pem.push_str(HEADER);
    for line in b64.as_bytes().chunks(64) {
        // Base64 output is ASCII, so every chunk boundary is a char boundary.
        pem.push_str(std::str::from_utf8(line).unwrap_or_default());
        pem.push('\n');
    }
    pem.push_str(FOOTER);
    pem
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_lengths() {
        let mut v = Vec::new();
        push_len(&mut v, 0x7f);
        push_len(&mut v, 0x80);
        push_len(&mut v, 0x1234);
        assert_eq!(v, [0x7f, 0x81, 0x80, 0x82, 0x12, 0x34]);
    }

    #[test]
    fn integers_stay_positive() {
        assert_eq!(
            unsigned_integer(&[0x01, 0x00, 0x01]),
            [0x02, 0x03, 0x01, 0x00, 0x01]
        );
        assert_eq!(unsigned_integer(&[0x80]), [0x02, 0x02, 0x00, 0x80]);
        assert_eq!(unsigned_integer(&[]), [0x02, 0x01, 0x00]);
    }

    #[test]
    fn pem_wraps_at_64_columns() {
        let pem = spki_pem(&[0u8; 60]);
        let lines: Vec<&str> = pem.lines().collect();
        assert_eq!(lines[0], "-----BEGIN PUBLIC KEY-----");
        assert_eq!(lines[1].len(), 64);
        assert_eq!(lines[2].len(), 16);
        assert_eq!(lines[3], "-----END PUBLIC KEY-----");
        // jwks-rsa 4.1.0's PEM has no final newline.
        assert!(pem.ends_with("\n-----END PUBLIC KEY-----"));
    }
}
