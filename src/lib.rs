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
//!
//! The layers, each using only those listed before it:
//!
//! - [`transport`], [`error`]: the failure types every layer passes on.
//! - [`keys`]: from the bytes of a key set to signing keys; no I/O, no clock.
//! - [`source`]: the key-source trait, the seam between the core and its I/O.
//! - [`http`]: Cache-Control and HTTP dates, and the native transport.
//! - [`state`]: the one owner of a client's state: cache, rate limiter, client.
//! - [`share`]: what crosses threads and processes: the registry, the shared store.
//! - `napi`: the Node.js face, the only module that knows about Node.

pub mod error;
pub mod http;
pub mod keys;
mod napi;
pub mod share;
pub mod source;
pub mod state;
pub mod transport;

pub use error::Error;
pub use keys::key_types::KeyTypes;
pub use keys::keyset::{KeySet, KidQuery, SigningKey};
pub use source::KeySource;
pub use state::client::{Client, ClientConfig, Resolved};

/// Milliseconds on the caller's clock: the core reads no clock of its own.
pub type Millis = u64;
