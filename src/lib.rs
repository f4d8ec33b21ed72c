//! A native JWKS client: fetches a JSON Web Key Set, caches it, rate-limits
//! misses and hands out each signing key as an SPKI PEM, with the behaviour
//! of the npm package `jwks-rsa` 4.1.0.
//!
//! The core (everything but the private `napi` module) knows nothing of
//! Node.js: I/O comes in through [`fetch::KeySource`], time as plain
//! milliseconds from the caller.

pub mod cache;
pub mod client;
mod der;
pub mod ed448;
pub mod error;
pub mod fetch;
pub mod http;
pub mod json;
pub mod jwk;
pub mod keyset;
// Exports are only registered in the addon build, so tests leave this layer out.
#[cfg(not(test))]
mod napi;
pub mod net;
mod node_error;
pub mod option_rule;
pub mod pem;
pub mod proxy;
pub mod rate_limit;
pub mod skip;
pub mod stats;
pub mod tls;

pub use client::{Client, ClientConfig, Resolved};
pub use error::Error;
pub use keyset::{KeySet, KidQuery, SigningKey};
