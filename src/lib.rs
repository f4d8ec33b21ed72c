//! A native JWKS client: fetches a JSON Web Key Set, caches it, rate-limits
//! misses and hands out each signing key as an SPKI PEM, with the behaviour
//! of the npm package `jwks-rsa` 4.1.0.
//!
//! The core (everything but the private `napi` module) knows nothing of
//! Node.js: I/O comes in through [`source::KeySource`], time as plain
//! milliseconds from the caller.
//!
//! The `native-http` feature (default) adds the HTTP transport in Rust; the
//! WebAssembly build leaves it out and fetches through Node's http.

pub mod error;
pub mod http;
pub mod keys;
mod napi;
pub mod share;
pub mod source;
pub mod state;
pub mod transport;

pub use error::Error;
pub use keys::keyset::{KeySet, KidQuery, SigningKey};
pub use state::client::{Client, ClientConfig, Resolved};

/// Milliseconds on the caller's clock.
pub type Millis = u64;
