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

// Exports are only registered in the addon build, so tests leave those
// modules out; the wording of errors is plain logic, tested here.
#[cfg(not(test))]
mod client;
#[cfg(not(test))]
mod config;
#[cfg(not(test))]
mod convert;
#[cfg(not(test))]
mod env_leases;
#[cfg(not(test))]
mod hooks;
mod node_error;
#[cfg(not(test))]
mod refresh;
#[cfg(not(test))]
mod reply;
#[cfg(not(test))]
mod report;
#[cfg(not(test))]
mod requests;
#[cfg(not(test))]
mod source;
#[cfg(not(test))]
mod store;
#[cfg(not(test))]
mod threads;
#[cfg(all(not(test), feature = "native-http"))]
mod tls_roots;
