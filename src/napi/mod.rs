//! The napi layer, the Node.js face of the core and the only module that
//! knows about napi: the exported client and its lifecycle, options and
//! answers converted both ways, the JavaScript hooks and key sources, the
//! TLS roots Node trusts, shared clients and stores, and transport errors
//! worded as Node words them. It is the top layer: it may use every other
//! (`state`, `share`, `http`, `source`, `keys`, `error`, `transport`), and
//! none uses it.
//!
//! It converts types and nothing more: options in, answers out, errors as
//! plain descriptions that the JavaScript shim turns into jwks-rsa's classes.

// Every module is compiled by `cargo test` and clippy too (napi's
// `dyn-symbols` lets the test binary link without Node); the functions
// exported to JavaScript have no Rust caller there.
#![cfg_attr(
    test,
    allow(
        dead_code,
        reason = "exported functions are called from JavaScript only, never under cargo test"
    )
)]

mod client;
mod config;
mod convert;
mod env_leases;
mod hooks;
mod node_error;
mod refresh;
mod reply;
mod report;
mod requests;
mod runtime;
mod source;
mod store;
mod threads;
#[cfg(feature = "native-http")]
mod tls_roots;
