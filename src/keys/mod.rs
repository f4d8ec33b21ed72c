//! The keys layer: from the bytes of a JSON Web Key Set (RFC 7517) to the
//! signing keys it holds. The JSON reader, the checks each key goes through
//! and why one is skipped, the key types served beyond jwks-rsa's, the DER,
//! PEM and X.509 encodings, Ed448 points, and the key set with its lookup
//! rules: pure functions, with no I/O and no clock. It uses no other layer,
//! only the crate's `error`; every layer above may use it.

pub mod alg_fit;
mod der;
pub mod ed448;
pub mod json;
pub mod jwk;
pub mod key_types;
pub mod keyset;
pub mod pem;
pub mod signing_key;
pub mod skip_reason;
pub mod x509;
