use super::*;

fn rsa(n: &[u8], e: &[u8]) -> Result<Vec<u8>, SkipReason> {
    spki_der(&KeyMaterial::Rsa {
        n: n.to_vec(),
        e: e.to_vec(),
    })
}

fn modulus(bits: usize) -> Vec<u8> {
    let mut n = vec![0xc5u8; bits / 8];
    if let Some(last) = n.last_mut() {
        *last |= 1;
    }
    n
}

#[test]
fn rsa_rejects_garbage_moduli() {
    assert_eq!(rsa(&[], &[1, 0, 1]), Err(SkipReason::InvalidModulus));
    assert_eq!(rsa(&[0, 0], &[1, 0, 1]), Err(SkipReason::InvalidModulus));
    let mut even = modulus(2048);
    if let Some(last) = even.last_mut() {
        *last &= 0xfe;
    }
    assert_eq!(rsa(&even, &[1, 0, 1]), Err(SkipReason::InvalidModulus));
    assert_eq!(
        rsa(&modulus(256), &[1, 0, 1]),
        Err(SkipReason::ModulusSize(256))
    );
    assert_eq!(
        rsa(&modulus(16392), &[1, 0, 1]),
        Err(SkipReason::ModulusSize(16392))
    );
}

#[test]
fn rsa_rejects_bad_exponents() {
    let n = modulus(2048);
    assert_eq!(rsa(&n, &[]), Err(SkipReason::InvalidExponent));
    assert_eq!(rsa(&n, &[1]), Err(SkipReason::InvalidExponent));
    assert_eq!(rsa(&n, &[4]), Err(SkipReason::InvalidExponent));
    assert_eq!(rsa(&n, &[3, 0, 0, 0, 1]), Err(SkipReason::InvalidExponent));
    assert!(rsa(&n, &[3]).is_ok());
    assert!(rsa(&n, &[1, 0, 0, 0, 1]).is_ok());
}

#[test]
fn rsa_leading_zeros_do_not_change_the_encoding() {
    let n = modulus(2048);
    let mut padded = vec![0, 0];
    padded.extend_from_slice(&n);
    assert_eq!(rsa(&padded, &[0, 1, 0, 1]), rsa(&n, &[1, 0, 1]));
}

#[test]
fn ec_rejects_points_off_the_curve() {
    let material = KeyMaterial::Ec {
        curve: EcCurve::P256,
        x: vec![1; 32],
        y: vec![2; 32],
    };
    assert_eq!(spki_der(&material), Err(SkipReason::InvalidPoint));
    let too_long = KeyMaterial::Ec {
        curve: EcCurve::P256,
        x: vec![1; 33],
        y: vec![2; 32],
    };
    assert_eq!(spki_der(&too_long), Err(SkipReason::InvalidPoint));
}

#[test]
fn okp_checks_length_and_encoding() {
    let short = KeyMaterial::Okp {
        curve: OkpCurve::Ed25519,
        x: vec![0; 31],
    };
    assert_eq!(spki_der(&short), Err(SkipReason::InvalidPoint));
    let non_canonical = KeyMaterial::Okp {
        curve: OkpCurve::Ed25519,
        x: vec![0xff; 32],
    };
    assert_eq!(spki_der(&non_canonical), Err(SkipReason::InvalidPoint));
    let small_order = KeyMaterial::Okp {
        curve: OkpCurve::Ed25519,
        x: {
            let mut identity = vec![0u8; 32];
            identity[0] = 1;
            identity
        },
    };
    assert_eq!(spki_der(&small_order), Err(SkipReason::InvalidPoint));
    let x25519 = KeyMaterial::Okp {
        curve: OkpCurve::X25519,
        x: vec![9; 32],
    };
    let der = spki_der(&x25519).unwrap_or_default();
    assert_eq!(der.len(), 44);
    assert_eq!(
        der.get(..12),
        Some(
            &[
                0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00
            ][..]
        )
    );
}

/// The check as it was: decode, then recompress and compare.
fn round_trip_ed25519(bytes: &[u8; 32]) -> bool {
    ed25519_dalek::VerifyingKey::from_bytes(bytes)
        .is_ok_and(|key| !key.is_weak() && key.to_edwards().compress().to_bytes() == *bytes)
}

#[test]
fn ed25519_canonical_check_agrees_with_recompression() {
    let mut encodings: Vec<[u8; 32]> = Vec::new();
    // Every y from p - 40 to 2^255 - 1 (the non-canonical ones are p..),
    // with both sign bits.
    for k in 0u8..59 {
        let mut y = [0xffu8; 32];
        y[31] = 0x7f;
        y[0] = 0xff - k;
        encodings.push(y);
        y[31] = 0xff;
        encodings.push(y);
    }
    // Small y (their non-canonical twins are above), both signs.
    for v in 0u8..40 {
        let mut y = [0u8; 32];
        y[0] = v;
        encodings.push(y);
        y[31] = 0x80;
        encodings.push(y);
    }
    // Real keys, from 63 seeds.
    for seed in 1u8..64 {
        let key = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]);
        encodings.push(key.verifying_key().to_bytes());
    }
    let mut valid = 0;
    for bytes in &encodings {
        let material = KeyMaterial::Okp {
            curve: OkpCurve::Ed25519,
            x: bytes.to_vec(),
        };
        let ours = spki_der(&material).is_ok();
        assert_eq!(ours, round_trip_ed25519(bytes), "{bytes:02x?}");
        valid += usize::from(ours);
    }
    assert!(valid >= 63, "{valid}");
}
