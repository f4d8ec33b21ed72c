//! Ed448 public key validation (RFC 8032 §5.2.3 decoding).

use ed448_goldilocks::CompressedEdwardsY;

/// Length of an encoded Ed448 public key.
pub const PUBLIC_KEY_LEN: usize = 57;

/// Whether `x` decodes to a point of edwards448 usable as a public key: the
/// unused bits of the last octet are zero, the point is on the curve, is
/// not the identity and has no small-order component.
pub fn is_valid_public_key(x: &[u8]) -> bool {
    let Ok(bytes) = <[u8; PUBLIC_KEY_LEN]>::try_from(x) else {
        return false;
    };
    if bytes[PUBLIC_KEY_LEN - 1] & 0x7f != 0 {
        return false;
    }
    let compressed = CompressedEdwardsY(bytes);
    if compressed == CompressedEdwardsY::IDENTITY {
        return false;
    }
    compressed.decompress().is_some().into()
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
