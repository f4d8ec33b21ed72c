//! Ed448 public key validation (RFC 8032 §5.2.3 decoding).

use ed448_goldilocks::{AffinePoint, CompressedEdwardsY};

/// Length of an encoded Ed448 public key.
pub const PUBLIC_KEY_LEN: usize = 57;

/// Whether `x` decodes to a point of edwards448 usable as a public key: the
/// unused bits of the last octet are zero, the encoding is canonical (it is
/// what the decoded point compresses back to), the point is on the curve, is
/// not the identity and has no small-order component.
pub fn is_valid_public_key(x: &[u8]) -> bool {
    let Ok(bytes) = <[u8; PUBLIC_KEY_LEN]>::try_from(x) else {
        return false;
    };
    if bytes[PUBLIC_KEY_LEN - 1] & 0x7f != 0 {
        return false;
    }
    let decoded: Option<AffinePoint> = CompressedEdwardsY(bytes).decompress().into();
    let Some(point) = decoded else {
        return false;
    };
    // The crate's `CompressedEdwardsY::IDENTITY` is all zeros, which is not
    // the identity's encoding: compare with the compressed identity itself.
    let compressed = point.compress();
    compressed.0 == bytes && compressed != AffinePoint::IDENTITY.compress()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The field prime 2^448 - 2^224 - 1, little-endian, in 57 octets.
    fn prime() -> [u8; PUBLIC_KEY_LEN] {
        let mut p = [0xffu8; PUBLIC_KEY_LEN];
        p[28] = 0xfe;
        p[56] = 0;
        p
    }

    #[test]
    fn the_generator_is_valid() {
        assert!(is_valid_public_key(&CompressedEdwardsY::GENERATOR.0));
    }

    #[test]
    fn identity_bad_length_and_stray_bits_are_not() {
        assert!(!is_valid_public_key(&[0u8; 57]));
        assert!(!is_valid_public_key(&[1u8; 56]));
        let mut stray = CompressedEdwardsY::GENERATOR.0;
        stray[56] |= 0x01;
        assert!(!is_valid_public_key(&stray));
    }

    /// `y` little-endian in 57 octets, with `p` added when `plus_p` (still
    /// below 2^448 for small `y`).
    fn encode_y(y: u8, plus_p: bool) -> [u8; PUBLIC_KEY_LEN] {
        let mut bytes = if plus_p {
            prime()
        } else {
            [0u8; PUBLIC_KEY_LEN]
        };
        let mut carry = u16::from(y);
        for byte in bytes.iter_mut().take(56) {
            let s = u16::from(*byte) + carry;
            *byte = (s & 0xff) as u8;
            carry = s >> 8;
        }
        bytes
    }

    #[test]
    fn the_identity_is_refused_in_every_encoding() {
        let identity = encode_y(1, false);
        assert_eq!(identity, AffinePoint::IDENTITY.compress().0);
        assert!(!is_valid_public_key(&identity));
        let mut signed = identity;
        signed[56] = 0x80;
        assert!(!is_valid_public_key(&signed));
        assert!(!is_valid_public_key(&encode_y(1, true)));
    }

    #[test]
    fn a_non_canonical_y_is_refused() {
        let valid: Vec<u8> = (2..=255)
            .filter(|y| is_valid_public_key(&encode_y(*y, false)))
            .collect();
        assert!(!valid.is_empty(), "some small y is a valid point");
        for y in valid {
            assert!(!is_valid_public_key(&encode_y(y, true)), "y = p + {y}");
        }
    }
}
