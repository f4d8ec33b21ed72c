use super::*;
use serde_json::json;

fn rsa_jwk() -> Value {
    // A 512-bit modulus with the top bit set, odd, e = 65537.
    let n = format!("{}{}", "w".repeat(84), "BQ");
    json!({ "kty": "RSA", "n": n, "e": "AQAB" })
}

fn with(mut base: Value, key: &str, value: Value) -> Value {
    if let Some(map) = base.as_object_mut() {
        map.insert(key.to_owned(), value);
    }
    base
}

#[test]
fn accepts_rsa_without_alg_and_keeps_alg_absent() {
    let key = parse_key(&rsa_jwk()).expect("valid key");
    assert_eq!(key.alg, None);
    assert_eq!(key.kid, None);
}

#[test]
fn use_must_be_sig_or_absent() {
    assert!(parse_key(&with(rsa_jwk(), "use", json!("sig"))).is_ok());
    for bad in [json!("enc"), json!(null), json!("SIG")] {
        assert_eq!(
            parse_key(&with(rsa_jwk(), "use", bad)),
            Err(SkipReason::NotForSignatures)
        );
    }
}

#[test]
fn alg_must_fit_the_key_type() {
    assert!(parse_key(&with(rsa_jwk(), "alg", json!("PS384"))).is_ok());
    assert!(parse_key(&with(rsa_jwk(), "alg", json!("RSA-OAEP"))).is_ok());
    for bad in [
        json!("ES256"),
        json!("HS256"),
        json!(123),
        json!(true),
        json!("none"),
    ] {
        assert_eq!(
            parse_key(&with(rsa_jwk(), "alg", bad)),
            Err(SkipReason::UnsupportedAlgorithm)
        );
    }
    for falsy in [json!(""), json!(0), json!(false), json!(null)] {
        let key = parse_key(&with(rsa_jwk(), "alg", falsy)).expect("inferred RS256");
        assert_eq!(key.alg, None);
    }
}

#[test]
fn private_members_are_refused() {
    for member in ["d", "p", "qi", "oth"] {
        assert_eq!(
            parse_key(&with(rsa_jwk(), member, json!("AQAB"))),
            Err(SkipReason::PrivateKey)
        );
    }
}

#[test]
fn key_ops_must_be_unique_and_allowed() {
    assert!(parse_key(&with(rsa_jwk(), "key_ops", json!(["verify"]))).is_ok());
    assert!(parse_key(&with(rsa_jwk(), "key_ops", json!([]))).is_ok());
    for bad in [
        json!(["sign"]),
        json!(["verify", "verify"]),
        json!("verify"),
        json!(null),
    ] {
        assert_eq!(
            parse_key(&with(rsa_jwk(), "key_ops", bad)),
            Err(SkipReason::InvalidKeyOps)
        );
    }
}

#[test]
fn kid_is_kept_only_when_a_non_empty_string() {
    let key = parse_key(&with(rsa_jwk(), "kid", json!("k1"))).expect("valid");
    assert_eq!(key.kid.as_deref(), Some("k1"));
    for odd in [json!(""), json!(7), json!(null)] {
        assert_eq!(
            parse_key(&with(rsa_jwk(), "kid", odd)).expect("valid").kid,
            None
        );
    }
}

#[test]
fn curves_must_match_the_algorithm() {
    let ec = json!({ "kty": "EC", "crv": "P-384", "alg": "ES256", "x": "AA", "y": "AA" });
    assert_eq!(parse_key(&ec), Err(SkipReason::UnsupportedCurve));
    let okp = json!({ "kty": "OKP", "crv": "X25519", "x": "AA" });
    assert_eq!(parse_key(&okp), Err(SkipReason::UnsupportedKey));
    let okp = json!({ "kty": "OKP", "crv": "X448", "alg": "ECDH-ES", "x": "AA" });
    assert_eq!(parse_key(&okp), Err(SkipReason::UnsupportedCurve));
}

#[test]
fn rejects_non_objects_and_unknown_types() {
    assert_eq!(parse_key(&json!(null)), Err(SkipReason::NotAnObject));
    assert_eq!(parse_key(&json!("RSA")), Err(SkipReason::NotAnObject));
    assert_eq!(
        parse_key(&json!({ "kty": "oct", "k": "AA" })),
        Err(SkipReason::UnsupportedKeyType)
    );
}

#[test]
fn base64url_decodes_as_node_does() {
    // Expected bytes: Buffer.from(text, 'base64url') on Node 20.
    let cases: [(&str, &[u8]); 12] = [
        ("AQAB", &[1, 0, 1]),
        ("_-8", &[255, 239]),
        ("/+8", &[255, 239]),
        ("AQ==", &[1]),
        ("AQAB=", &[1, 0, 1]),
        ("AQ AB\n", &[1, 0, 1]),
        ("AQ!AB", &[1, 0, 1]),
        ("AQ=AB", &[1]),
        ("AQABA", &[1, 0, 1]),
        ("AQABAA", &[1, 0, 1, 0]),
        ("AQ\u{e9}AB", &[1, 0, 1]),
        // U+0141 is read by its low byte, 0x41: 'A'.
        ("\u{141}QAB", &[1, 0, 1]),
    ];
    for (text, bytes) in cases {
        assert_eq!(decode_b64url(text), bytes, "{text:?}");
    }
}
