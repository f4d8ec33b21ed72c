//! The Node.js face of the core: the only module that knows about napi.
//!
//! It converts types and nothing more: options in, answers out, errors as
//! plain descriptions that the JavaScript shim turns into jwks-rsa's classes.

mod client;
mod config;
mod convert;
mod hooks;
mod source;
#[cfg(feature = "native-http")]
mod tls_roots;
