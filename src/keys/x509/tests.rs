use super::*;
use crate::keys::der;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

/// Certificates made with the openssl command line, with the SPKI PEM Node
/// exports for each (`tests/fixtures/x5c/README.md`).
fn fixture(name: &str) -> (Vec<u8>, String) {
    let all: Value = serde_json::from_str(include_str!(
        "../../../tests/fixtures/x5c/certificates.json"
    ))
    .expect("fixture JSON");
    let entry = &all[name];
    let der = STANDARD
        .decode(entry["x5c"].as_str().expect("x5c"))
        .expect("base64");
    (der, entry["pem"].as_str().expect("pem").to_owned())
}

fn pem_of(der: &[u8]) -> Result<String, SkipReason> {
    let material = spki_material(&certificate_spki(der)?)?;
    crate::keys::pem::spki_pem(&material)
}

#[test]
fn every_supported_key_type_gives_nodes_pem() {
    for name in [
        "rsa-2048",
        "p-256",
        "p-384",
        "p-521",
        "secp256k1",
        "ed25519",
        "ed448",
    ] {
        let (der, pem) = fixture(name);
        assert_eq!(pem_of(&der), Ok(pem), "{name}");
    }
}

#[test]
fn keys_no_jwk_describes_are_refused() {
    for name in ["rsa-pss", "dsa"] {
        let (der, _) = fixture(name);
        assert_eq!(
            pem_of(&der),
            Err(SkipReason::UnsupportedCertificateKey),
            "{name}"
        );
    }
    let (der, _) = fixture("p-256-compressed");
    assert_eq!(pem_of(&der), Err(SkipReason::InvalidPoint));
}

#[test]
fn every_truncation_is_refused() {
    let (der, _) = fixture("rsa-2048");
    for len in 0..der.len() {
        assert_eq!(
            certificate_spki(&der[..len]),
            Err(SkipReason::InvalidCertificate),
            "{len} bytes"
        );
    }
}

#[test]
fn trailing_bytes_are_refused() {
    let (mut der, _) = fixture("p-256");
    der.push(0);
    assert_eq!(certificate_spki(&der), Err(SkipReason::InvalidCertificate));
}

#[test]
fn every_single_byte_change_is_answered_without_panic() {
    for name in ["rsa-2048", "p-521", "ed448"] {
        let (der, _) = fixture(name);
        for i in 0..der.len() {
            for value in [0x00, 0x01, 0x7f, 0x80, 0x81, 0x84, 0xff, der[i] ^ 0x01] {
                let mut changed = der.clone();
                changed[i] = value;
                // Any answer will do; a panic fails the test.
                let _ = pem_of(&changed);
            }
        }
    }
}

#[test]
fn lengths_are_strict_der() {
    let read = |bytes: &[u8]| Reader::new(bytes).next().map(|tlv| tlv.content.to_vec());
    assert_eq!(read(&[0x04, 0x02, 0xaa, 0xbb]), Some(vec![0xaa, 0xbb]));
    // Indefinite (BER), non-minimal, zero-led, five length bytes, past the end.
    assert_eq!(read(&[0x30, 0x80, 0x00, 0x00]), None);
    assert_eq!(read(&[0x04, 0x81, 0x02, 0xaa, 0xbb]), None);
    assert_eq!(read(&[0x04, 0x82, 0x00, 0x80]), None);
    assert_eq!(read(&[0x04, 0x85, 0x01, 0x00, 0x00, 0x00, 0x00]), None);
    assert_eq!(read(&[0x04, 0x84, 0xff, 0xff, 0xff, 0xff, 0x00]), None);
    assert_eq!(read(&[0x04, 0x03, 0xaa]), None);
    // A high tag number form, and nothing at all.
    assert_eq!(read(&[0x1f, 0x81, 0x00, 0x00]), None);
    assert_eq!(read(&[]), None);
    assert_eq!(read(&[0x04]), None);
    let long = [&[0x04, 0x81, 0x80][..], &[7; 0x80]].concat();
    assert_eq!(read(&long).map(|c| c.len()), Some(0x80));
}

#[test]
fn spki_must_be_whole_bytes() {
    let (der, _) = fixture("ed25519");
    let spki = certificate_spki(&der).expect("spki");
    assert_eq!(spki.algorithm, ALG_ED25519);
    // Re-encode the certificate's own SPKI with 1 unused bit declared.
    let bits = [&[0x03, 0x21, 0x01][..], spki.key].concat();
    let wrapped = der::sequence(&[spki.algorithm, &bits]);
    let bad = replace(&der, &der::spki(spki.algorithm, spki.key), &wrapped);
    assert_eq!(certificate_spki(&bad), Err(SkipReason::InvalidCertificate));
}

/// `haystack` with the first occurrence of `from` (same length) replaced.
fn replace(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let at = haystack
        .windows(from.len())
        .position(|w| w == from)
        .expect("present");
    [&haystack[..at], to, &haystack[at + from.len()..]].concat()
}

#[test]
fn rsa_integers_must_be_non_negative() {
    let n = [&[0x00, 0xc1][..], &[0x55; 63], &[0x01]].concat();
    let good = der::sequence(&[
        &der::unsigned_integer(&n[1..]),
        &der::unsigned_integer(&[1, 0, 1]),
    ]);
    let rsa = |key: &[u8]| {
        spki_material(&Spki {
            algorithm: ALG_RSA,
            key,
        })
    };
    assert!(matches!(rsa(&good), Ok(KeyMaterial::Rsa { .. })));
    // The same magnitude without its sign byte reads as negative.
    let negative = der::sequence(&[
        &[&[0x02, 0x40][..], &n[1..]].concat(),
        &der::unsigned_integer(&[1, 0, 1]),
    ]);
    assert_eq!(rsa(&negative), Err(SkipReason::InvalidCertificate));
    let one_integer = der::sequence(&[&der::unsigned_integer(&n[1..])]);
    assert_eq!(rsa(&one_integer), Err(SkipReason::InvalidCertificate));
    let trailing = [good.as_slice(), &[0]].concat();
    assert_eq!(rsa(&trailing), Err(SkipReason::InvalidCertificate));
    // Without NULL parameters, as some encoders write it.
    let bare = spki_material(&Spki {
        algorithm: ALG_RSA_NO_PARAMS,
        key: &good,
    });
    assert_eq!(bare, rsa(&good));
}

#[test]
fn ec_points_must_be_uncompressed_and_of_the_curves_size() {
    let ec = |key: &[u8]| {
        spki_material(&Spki {
            algorithm: ALG_EC_P384,
            key,
        })
    };
    let point = [&[0x04][..], &[1; 96]].concat();
    assert!(matches!(
        ec(&point),
        Ok(KeyMaterial::Ec {
            curve: EcCurve::P384,
            ..
        })
    ));
    assert_eq!(ec(&point[..96]), Err(SkipReason::InvalidPoint));
    assert_eq!(
        ec(&[point.as_slice(), &[1]].concat()),
        Err(SkipReason::InvalidPoint)
    );
    assert_eq!(
        ec(&[&[0x02][..], &[1; 48]].concat()),
        Err(SkipReason::InvalidPoint)
    );
    assert_eq!(ec(&[]), Err(SkipReason::InvalidPoint));
}
