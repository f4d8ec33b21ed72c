//! Key types served beyond jwks-rsa 4.1.0's, each behind its own option.
//!
//! With every field off (the default) a set yields exactly the signing keys
//! jwks-rsa 4.1.0 yields; each field only turns keys it would skip into
//! signing keys, and never changes or removes a key it serves.

/// Which otherwise skipped keys become signing keys.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeyTypes {
    /// `x5cOnlyKeys`: a key without its public members (`n`/`e`, `x`/`y`,
    /// `x`) is read from the SubjectPublicKeyInfo of its first `x5c`
    /// certificate. A key that has them is read from them, as before.
    pub x5c_only: bool,
    /// `secp256k1`: EC keys on `secp256k1` (`ES256K`), which jwks-rsa 3
    /// served and 4 skips.
    pub secp256k1: bool,
}

#[cfg(test)]
mod tests;
