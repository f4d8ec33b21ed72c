//! The public key of a DER X.509 certificate, for keys published only as
//! `x5c` (RFC 7517 §4.7).
//!
//! Only the path to the SubjectPublicKeyInfo is read (RFC 5280 §4.1):
//! every TLV on it is bounds-checked, lengths are DER's (definite, minimal,
//! within what remains), and the certificate must end where its outer
//! SEQUENCE ends. Nothing else of the certificate (validity, issuer,
//! signature, extensions) is interpreted: the set is trusted as its `n`/`e`
//! would be, by the TLS connection it came over.

use crate::keys::der::{
    ALG_EC_P256, ALG_EC_P384, ALG_EC_P521, ALG_EC_SECP256K1, ALG_ED448, ALG_ED25519, ALG_RSA,
    ALG_X25519, TAG_BIT_STRING, TAG_INTEGER, TAG_SEQUENCE,
};
use crate::keys::pem::{EcCurve, KeyMaterial, OkpCurve};
use crate::keys::skip_reason::SkipReason;

/// `rsaEncryption` with its NULL parameters left out, as some encoders write it.
const ALG_RSA_NO_PARAMS: &[u8] = &[
    0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
];
/// `[0] EXPLICIT Version` of TBSCertificate.
const TAG_VERSION: u8 = 0xa0;
/// The uncompressed SEC1 point form, the only one read.
const SEC1_UNCOMPRESSED: u8 = 0x04;

/// One DER element: its tag and content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Tlv<'a> {
    tag: u8,
    content: &'a [u8],
    /// The whole encoding, tag and length included.
    whole: &'a [u8],
}

/// Reads consecutive DER elements from a byte string, never past its end.
struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Reader { rest: bytes }
    }

    fn peek_tag(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    /// The next element; `None` for a high tag number, an indefinite or
    /// non-minimal length, or a length past the end.
    fn next(&mut self) -> Option<Tlv<'a>> {
        let (&tag, after_tag) = self.rest.split_first()?;
        if tag & 0x1f == 0x1f {
            return None;
        }
        let (&first, mut after_len) = after_tag.split_first()?;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let count = usize::from(first & 0x7f);
            // 0x80 is BER's indefinite form; four bytes already allow 4 GiB.
            if !(1..=4).contains(&count) {
                return None;
            }
            let (digits, rest) = after_len.split_at_checked(count)?;
            after_len = rest;
            if digits.first() == Some(&0) {
                return None;
            }
            let len = digits.iter().fold(0usize, |n, d| n << 8 | usize::from(*d));
            if len < 0x80 {
                return None;
            }
            len
        };
        let content = after_len.get(..len)?;
        let whole_len = self.rest.len() - after_len.len() + len;
        let whole = self.rest.get(..whole_len)?;
        self.rest = after_len.get(len..)?;
        Some(Tlv {
            tag,
            content,
            whole,
        })
    }

    /// The next element, which must carry `tag`.
    fn expect(&mut self, tag: u8) -> Option<Tlv<'a>> {
        self.next().filter(|tlv| tlv.tag == tag)
    }

    /// Succeeds when nothing is left.
    fn end(&self) -> Option<()> {
        self.rest.is_empty().then_some(())
    }
}

/// The SubjectPublicKeyInfo of a certificate: its AlgorithmIdentifier (as
/// encoded) and the key bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spki<'a> {
    /// The whole AlgorithmIdentifier SEQUENCE.
    pub algorithm: &'a [u8],
    /// The content of the subjectPublicKey BIT STRING (whole bytes).
    pub key: &'a [u8],
}

/// Finds the SubjectPublicKeyInfo of a DER certificate.
///
/// # Errors
/// [`SkipReason::InvalidCertificate`] when the bytes are not a DER
/// certificate up to and including its SubjectPublicKeyInfo.
pub fn certificate_spki(der: &[u8]) -> Result<Spki<'_>, SkipReason> {
    spki_of(der).ok_or(SkipReason::InvalidCertificate)
}

fn spki_of(der: &[u8]) -> Option<Spki<'_>> {
    let mut outer = Reader::new(der);
    let certificate = outer.expect(TAG_SEQUENCE)?;
    outer.end()?;
    let mut parts = Reader::new(certificate.content);
    let tbs = parts.expect(TAG_SEQUENCE)?;
    parts.expect(TAG_SEQUENCE)?; // signatureAlgorithm
    parts.expect(TAG_BIT_STRING)?; // signatureValue
    parts.end()?;
    let mut fields = Reader::new(tbs.content);
    if fields.peek_tag() == Some(TAG_VERSION) {
        fields.next()?;
    }
    fields.expect(TAG_INTEGER)?; // serialNumber
    for _signature_issuer_validity_subject in 0..4 {
        fields.expect(TAG_SEQUENCE)?;
    }
    let mut spki = Reader::new(fields.expect(TAG_SEQUENCE)?.content);
    let algorithm = spki.expect(TAG_SEQUENCE)?.whole;
    let bits = spki.expect(TAG_BIT_STRING)?.content;
    spki.end()?;
    // Key bits come in whole bytes: no unused bits.
    let (&0, key) = bits.split_first()? else {
        return None;
    };
    Some(Spki { algorithm, key })
}

/// The key material a SubjectPublicKeyInfo holds, for the checks and PEM
/// encoding every key goes through ([`crate::keys::pem::spki_pem`]).
///
/// # Errors
/// [`SkipReason::UnsupportedCertificateKey`] for algorithms no JWK `kty`
/// describes (RSA-PSS, DSA, explicit curve parameters, ...);
/// [`SkipReason::InvalidCertificate`] for a malformed RSA key;
/// [`SkipReason::InvalidPoint`] for an EC point that is not uncompressed.
pub fn spki_material(spki: &Spki<'_>) -> Result<KeyMaterial, SkipReason> {
    let algorithm = spki.algorithm;
    if algorithm == ALG_RSA || algorithm == ALG_RSA_NO_PARAMS {
        return rsa_material(spki.key).ok_or(SkipReason::InvalidCertificate);
    }
    let ec = [
        (ALG_EC_P256, EcCurve::P256),
        (ALG_EC_P384, EcCurve::P384),
        (ALG_EC_P521, EcCurve::P521),
        (ALG_EC_SECP256K1, EcCurve::Secp256k1),
    ];
    if let Some((_, curve)) = ec.iter().find(|(alg, _)| *alg == algorithm) {
        return ec_material(*curve, spki.key).ok_or(SkipReason::InvalidPoint);
    }
    let okp = [
        (ALG_ED25519, OkpCurve::Ed25519),
        (ALG_ED448, OkpCurve::Ed448),
        (ALG_X25519, OkpCurve::X25519),
    ];
    match okp.iter().find(|(alg, _)| *alg == algorithm) {
        Some((_, curve)) => Ok(KeyMaterial::Okp {
            curve: *curve,
            x: spki.key.to_vec(),
        }),
        None => Err(SkipReason::UnsupportedCertificateKey),
    }
}

/// `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }`,
/// both non-negative.
fn rsa_material(key: &[u8]) -> Option<KeyMaterial> {
    let mut outer = Reader::new(key);
    let mut inner = Reader::new(outer.expect(TAG_SEQUENCE)?.content);
    outer.end()?;
    let n = inner.expect(TAG_INTEGER)?.content;
    let e = inner.expect(TAG_INTEGER)?.content;
    inner.end()?;
    let non_negative = |int: &[u8]| int.first().is_some_and(|b| b & 0x80 == 0);
    (non_negative(n) && non_negative(e)).then(|| KeyMaterial::Rsa {
        n: n.to_vec(),
        e: e.to_vec(),
    })
}

/// An uncompressed SEC1 point of the curve's size, split into coordinates.
fn ec_material(curve: EcCurve, point: &[u8]) -> Option<KeyMaterial> {
    let (&SEC1_UNCOMPRESSED, coordinates) = point.split_first()? else {
        return None;
    };
    let (x, y) = coordinates.split_at_checked(curve.coordinate_len())?;
    (y.len() == curve.coordinate_len()).then(|| KeyMaterial::Ec {
        curve,
        x: x.to_vec(),
        y: y.to_vec(),
    })
}

#[cfg(test)]
mod tests;
