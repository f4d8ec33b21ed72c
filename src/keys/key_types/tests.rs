use super::KeyTypes;
use crate::keys::jwk::{ParsedKey, parse_key_with};
use crate::keys::keyset::KeySet;
use crate::keys::pem::spki_pem;
use crate::keys::skip_reason::SkipReason;
use serde_json::{Value, json};

const OFF: KeyTypes = KeyTypes {
    x5c_only: false,
    secp256k1: false,
};
const SECP256K1: KeyTypes = KeyTypes {
    x5c_only: false,
    secp256k1: true,
};
const X5C: KeyTypes = KeyTypes {
    x5c_only: true,
    secp256k1: false,
};
const BOTH: KeyTypes = KeyTypes {
    x5c_only: true,
    secp256k1: true,
};

/// A certificate from `tests/fixtures/x5c` (x5c, SPKI PEM, public JWK).
fn fixture(name: &str) -> Value {
    let all: Value = serde_json::from_str(include_str!(
        "../../../tests/fixtures/x5c/certificates.json"
    ))
    .expect("fixture JSON");
    all[name].clone()
}

fn jwk_of(name: &str) -> Value {
    fixture(name)["jwk"].clone()
}

/// The JWK of `name` with only `kty` (and `extra`) besides its `x5c`.
fn x5c_only(name: &str, kty: &str, extra: Value) -> Value {
    let mut jwk = json!({ "kty": kty, "x5c": [fixture(name)["x5c"]] });
    if let (Some(map), Value::Object(more)) = (jwk.as_object_mut(), extra) {
        map.extend(more);
    }
    jwk
}

fn with(mut jwk: Value, name: &str, value: Value) -> Value {
    jwk[name] = value;
    jwk
}

fn pem(jwk: &Value, types: KeyTypes) -> Result<String, SkipReason> {
    parse_key_with(jwk, types).and_then(|key: ParsedKey| spki_pem(&key.material))
}

#[test]
fn secp256k1_is_served_only_with_its_option() {
    let jwk = jwk_of("secp256k1");
    let expected = fixture("secp256k1")["pem"].as_str().map(str::to_owned);
    assert_eq!(pem(&jwk, OFF), Err(SkipReason::UnsupportedKey));
    let es256k = with(jwk.clone(), "alg", json!("ES256K"));
    assert_eq!(pem(&es256k, OFF), Err(SkipReason::UnsupportedAlgorithm));
    assert_eq!(pem(&jwk, SECP256K1).ok(), expected);
    assert_eq!(pem(&es256k, SECP256K1).ok(), expected);
    // jwks-rsa 3 inferred ES256K; the JWK's own alg stays absent.
    assert_eq!(parse_key_with(&jwk, SECP256K1).map(|k| k.alg), Ok(None));
}

#[test]
fn secp256k1_and_es256k_go_only_together() {
    let k1 = with(jwk_of("secp256k1"), "alg", json!("ES256"));
    assert_eq!(pem(&k1, SECP256K1), Err(SkipReason::UnsupportedCurve));
    let p256 = with(jwk_of("p-256"), "alg", json!("ES256K"));
    assert_eq!(pem(&p256, SECP256K1), Err(SkipReason::UnsupportedCurve));
    assert_eq!(pem(&p256, OFF), Err(SkipReason::UnsupportedAlgorithm));
}

#[test]
fn secp256k1_points_must_be_on_the_curve() {
    let jwk = jwk_of("secp256k1");
    let y = jwk["y"].as_str().expect("y");
    // Another y for the same x: no longer on the curve.
    let flipped = format!(
        "{}{}",
        &y[..y.len() - 1],
        if y.ends_with('A') { 'B' } else { 'A' }
    );
    assert_eq!(
        pem(&with(jwk.clone(), "y", json!(flipped)), SECP256K1),
        Err(SkipReason::InvalidPoint)
    );
    // Coordinates of P-256's size but of the wrong length.
    assert_eq!(
        pem(&with(jwk.clone(), "x", json!("AQAB")), SECP256K1),
        Err(SkipReason::InvalidPoint)
    );
    let too_long = format!("AQ{}", jwk["x"].as_str().expect("x"));
    assert_eq!(
        pem(&with(jwk, "x", json!(too_long)), SECP256K1),
        Err(SkipReason::InvalidPoint)
    );
}

#[test]
fn x5c_only_keys_need_their_option() {
    let rsa = x5c_only("rsa-2048", "RSA", json!({}));
    assert_eq!(pem(&rsa, OFF), Err(SkipReason::MissingMember("n")));
    let ec = x5c_only("p-256", "EC", json!({ "crv": "P-256" }));
    assert_eq!(pem(&ec, OFF), Err(SkipReason::MissingMember("x")));
}

#[test]
fn x5c_only_keys_give_the_certificates_key() {
    for (name, kty) in [
        ("rsa-2048", "RSA"),
        ("p-256", "EC"),
        ("p-384", "EC"),
        ("p-521", "EC"),
        ("ed25519", "OKP"),
        ("ed448", "OKP"),
    ] {
        let expected = fixture(name)["pem"].as_str().map(str::to_owned);
        // Without crv and alg: both come from the certificate.
        assert_eq!(
            pem(&x5c_only(name, kty, json!({})), X5C).ok(),
            expected,
            "{name}"
        );
        let crv = jwk_of(name)["crv"].clone();
        let named = x5c_only(name, kty, json!({ "crv": crv }));
        assert_eq!(pem(&named, X5C).ok(), expected, "{name} with crv");
    }
}

#[test]
fn x5c_on_secp256k1_needs_both_options() {
    let jwk = x5c_only("secp256k1", "EC", json!({}));
    assert_eq!(pem(&jwk, X5C), Err(SkipReason::UnsupportedKey));
    let es256k = with(jwk.clone(), "alg", json!("ES256K"));
    assert_eq!(pem(&es256k, X5C), Err(SkipReason::UnsupportedAlgorithm));
    let expected = fixture("secp256k1")["pem"].as_str().map(str::to_owned);
    assert_eq!(pem(&jwk, BOTH).ok(), expected);
    assert_eq!(pem(&es256k, BOTH).ok(), expected);
}

#[test]
fn the_certificate_must_agree_with_kty_crv_and_alg() {
    let rsa_as_ec = x5c_only("rsa-2048", "EC", json!({ "crv": "P-256" }));
    assert_eq!(pem(&rsa_as_ec, X5C), Err(SkipReason::CertificateMismatch));
    let ec_as_rsa = x5c_only("p-256", "RSA", json!({}));
    assert_eq!(pem(&ec_as_rsa, X5C), Err(SkipReason::CertificateMismatch));
    let other_crv = x5c_only("p-256", "EC", json!({ "crv": "P-384" }));
    assert_eq!(pem(&other_crv, X5C), Err(SkipReason::CertificateMismatch));
    let crv_not_string = x5c_only("ed25519", "OKP", json!({ "crv": 25519 }));
    assert_eq!(
        pem(&crv_not_string, X5C),
        Err(SkipReason::CertificateMismatch)
    );
    let other_alg = x5c_only("p-256", "EC", json!({ "alg": "ES384" }));
    assert_eq!(pem(&other_alg, X5C), Err(SkipReason::UnsupportedCurve));
    let rsa_alg = x5c_only("p-256", "EC", json!({ "alg": "RS256" }));
    assert_eq!(pem(&rsa_alg, X5C), Err(SkipReason::UnsupportedAlgorithm));
    let ed448_as_ed25519 = x5c_only("ed448", "OKP", json!({ "alg": "Ed25519" }));
    assert_eq!(
        pem(&ed448_as_ed25519, X5C),
        Err(SkipReason::UnsupportedCurve)
    );
    for name in ["rsa-pss", "dsa"] {
        let unsupported = x5c_only(name, "RSA", json!({}));
        assert_eq!(
            pem(&unsupported, X5C),
            Err(SkipReason::UnsupportedCertificateKey)
        );
    }
}

#[test]
fn x5c_must_be_an_array_starting_with_a_base64_certificate() {
    let der = fixture("p-256")["x5c"].clone();
    let text = der.as_str().expect("x5c").to_owned();
    for bad in [
        json!(text.clone()),
        json!([]),
        json!([null, text.clone()]),
        json!([7]),
        json!([format!("{text}!")]),
        json!([text.replace('+', "-").replace('/', "_") + "-_"]),
        json!([text[..text.len() / 2]]),
        json!(["AAAA"]),
        json!([""]),
    ] {
        let jwk = with(x5c_only("p-256", "EC", json!({})), "x5c", bad.clone());
        assert_eq!(pem(&jwk, X5C), Err(SkipReason::InvalidCertificate), "{bad}");
    }
    // Padding is read whether or not it is written; later entries are not read.
    let unpadded = json!([text.trim_end_matches('='), "not a certificate"]);
    let jwk = with(x5c_only("p-256", "EC", json!({})), "x5c", unpadded);
    assert_eq!(
        pem(&jwk, X5C).ok(),
        fixture("p-256")["pem"].as_str().map(str::to_owned)
    );
}

#[test]
fn the_jwks_own_members_win_over_x5c() {
    // n/e of one key with the certificate of another: n/e are served, as in jwks-rsa.
    let own = with(
        jwk_of("rsa-2048"),
        "x5c",
        json!([fixture("ed25519")["x5c"]]),
    );
    let expected = fixture("rsa-2048")["pem"].as_str().map(str::to_owned);
    assert_eq!(pem(&own, X5C).ok(), expected);
    assert_eq!(pem(&own, OFF).ok(), expected);
    // A key with some of its members is read from them, and lacks the rest.
    let mut partial = x5c_only("rsa-2048", "RSA", json!({}));
    partial["n"] = jwk_of("rsa-2048")["n"].clone();
    assert_eq!(pem(&partial, X5C), Err(SkipReason::MissingMember("e")));
    let missing = json!({ "kty": "RSA" });
    assert_eq!(pem(&missing, X5C), Err(SkipReason::MissingMember("n")));
}

#[test]
fn private_keys_stay_refused_with_x5c() {
    let jwk = x5c_only("p-256", "EC", json!({ "d": "AQAB" }));
    assert_eq!(pem(&jwk, X5C), Err(SkipReason::PrivateKey));
}

/// Every real provider's key that carries both `n`/`e` and `x5c`: with its
/// members removed, the certificate gives the same PEM.
#[test]
fn real_providers_certificates_hold_their_keys() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/jwks");
    let mut compared = 0;
    for entry in std::fs::read_dir(dir).expect("corpus") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let set: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("JSON");
        for key in set["keys"].as_array().expect("keys") {
            if key.get("x5c").is_none() || key.get("n").is_none() {
                continue;
            }
            let mut stripped = key.clone();
            if let Some(map) = stripped.as_object_mut() {
                map.remove("n");
                map.remove("e");
            }
            // Keys jwks-rsa skips (`use: "enc"`) are skipped alike.
            let served = pem(key, OFF);
            assert_eq!(pem(&stripped, X5C), served, "{}", path.display());
            compared += usize::from(served.is_ok());
        }
    }
    assert!(compared >= 40, "{compared} keys compared");
}

#[test]
fn a_set_of_x5c_only_keys_is_served_only_with_the_option() {
    let body = json!({ "keys": [x5c_only("p-384", "EC", json!({ "kid": "cert" }))] });
    assert!(KeySet::from_json(&body).is_err());
    let set = KeySet::from_json_with(&body, X5C).expect("one key");
    assert_eq!(
        set.find("cert").map(|k| k.pem().to_owned()),
        fixture("p-384")["pem"].as_str().map(str::to_owned)
    );
}
