//! The share layer: what crosses threads and processes. The process-wide
//! registry behind `shareAcrossThreads` (one value per key, alive while a
//! lease on it is, then kept while its set is fresh) and the rosters that end a thread's leases; with the
//! `native-http` feature, the key-set store shared by processes
//! (`sharedCache`: its trait, records and distributed single flight) and
//! its Redis implementation. It uses `state`, `keys`, `source`, `http`
//! (the connection to Redis) and `error`; only the napi layer uses it.

#[cfg(feature = "native-http")]
pub mod redis;
#[cfg(feature = "native-http")]
pub mod store;
pub mod threads;
