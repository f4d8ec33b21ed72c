//! The HTTP layer: what HTTP says about a key set and, with the
//! `native-http` feature, the native transport that fetches it. Every build
//! reads `Cache-Control` and HTTP dates, and which failures `retry` tries
//! again; the native one adds the retrying key source, connecting
//! (happy eyeballs), TLS, forward proxies, the HTTP/1.1 key source behind
//! the [`KeySource`](crate::source::KeySource) trait, the header map's side
//! of validators and caching headers, and its failures as errors. It uses
//! `source`, `error` and `transport`, never `keys`, `state` or anything
//! above; `state`, `share` and the napi layer use it.

pub mod cache_control;
pub mod date;
#[cfg(feature = "native-http")]
pub mod failure;
#[cfg(feature = "native-http")]
pub mod head_limit;
#[cfg(feature = "native-http")]
mod header_map;
#[cfg(feature = "native-http")]
pub mod net;
#[cfg(feature = "native-http")]
pub mod proxy;
pub mod retry;
#[cfg(feature = "native-http")]
mod source;
#[cfg(feature = "native-http")]
pub mod tls;

#[cfg(feature = "native-http")]
pub use source::{HttpSettings, HttpSource, Target};
