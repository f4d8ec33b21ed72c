//! Why a key of the set was not made a signing key.
//!
//! `jwks-rsa` drops such keys silently; keeping the reason lets logs and
//! statistics say what was wrong with an endpoint's keys.

use std::fmt;

/// Entries of a `keys` array read at most: real sets have fewer than 50,
/// and each entry can cost milliseconds of CPU (Ed448, large RSA moduli).
pub const MAX_KEYS_PER_SET: usize = 1000;

/// The reason one JWK was skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// The entry of the `keys` array is not a JSON object.
    NotAnObject,
    /// `use` is present and is not `"sig"`.
    NotForSignatures,
    /// `kty` is not `RSA`, `EC` or `OKP`.
    UnsupportedKeyType,
    /// No algorithm is given and none can be inferred from `kty`/`crv`.
    UnsupportedKey,
    /// `alg` names an algorithm this key type cannot be used with.
    UnsupportedAlgorithm,
    /// The key carries private members (`d`, `p`, `q`, ...).
    PrivateKey,
    /// `key_ops` is malformed or allows operations a public key cannot do.
    InvalidKeyOps,
    /// A required member is missing or not a string.
    MissingMember(&'static str),
    /// The RSA modulus is zero, even, or not larger than the exponent.
    InvalidModulus,
    /// The RSA modulus is outside the accepted size range.
    ModulusSize(usize),
    /// The RSA public exponent is even, one, or absurdly large.
    InvalidExponent,
    /// `crv` does not name a curve usable with this key type and algorithm.
    UnsupportedCurve,
    /// The coordinates do not encode a valid point of the curve.
    InvalidPoint,
    /// `x5c` is not an array whose first entry is a base64 DER certificate.
    InvalidCertificate,
    /// The certificate's key is of an algorithm no JWK describes (RSA-PSS, DSA, ...).
    UnsupportedCertificateKey,
    /// The certificate's key contradicts the JWK's `kty` or `crv`.
    CertificateMismatch,
    /// The set has more entries than are read; this one and `ignored - 1`
    /// more after it were not looked at.
    OverLimit {
        /// How many entries were not read.
        ignored: usize,
    },
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::NotAnObject => f.write_str("entry is not an object"),
            SkipReason::NotForSignatures => f.write_str("\"use\" is not \"sig\""),
            SkipReason::UnsupportedKeyType => f.write_str("unsupported \"kty\""),
            SkipReason::UnsupportedKey => f.write_str("no algorithm can be inferred"),
            SkipReason::UnsupportedAlgorithm => f.write_str("\"alg\" does not fit this key"),
            SkipReason::PrivateKey => f.write_str("private key members present"),
            SkipReason::InvalidKeyOps => f.write_str("invalid \"key_ops\""),
            SkipReason::MissingMember(m) => write!(f, "missing or non-string \"{m}\""),
            SkipReason::InvalidModulus => f.write_str("invalid RSA modulus"),
            SkipReason::ModulusSize(bits) => write!(f, "RSA modulus of {bits} bits"),
            SkipReason::InvalidExponent => f.write_str("invalid RSA exponent"),
            SkipReason::UnsupportedCurve => f.write_str("unsupported \"crv\""),
            SkipReason::InvalidPoint => f.write_str("point is not on the curve"),
            SkipReason::InvalidCertificate => {
                f.write_str("\"x5c\" does not start with a DER X.509 certificate")
            }
            SkipReason::UnsupportedCertificateKey => {
                f.write_str("the \"x5c\" certificate's key type is not supported")
            }
            SkipReason::CertificateMismatch => {
                f.write_str("the \"x5c\" certificate's key does not match \"kty\"/\"crv\"")
            }
            SkipReason::OverLimit { ignored } => write!(
                f,
                "this and the next {} entries are past the limit of {} keys per set, not read",
                ignored.saturating_sub(1),
                MAX_KEYS_PER_SET
            ),
        }
    }
}
