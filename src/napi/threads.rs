//! `shareAcrossThreads`: one core client per key for the whole process.
//!
//! The addon is loaded once per process and every worker thread's instance
//! of it sees these statics, so a lease taken in one thread is found by the
//! others. A shared core fetches natively (through the `sharedCache` Redis
//! store when configured), on the tokio runtime that lives as long as any
//! Node environment does, so no fetch depends on a JavaScript thread. A
//! thread's leases go with its clients' finalizers or, at the latest, with
//! its environment's cleanup hook (see `env_leases`).
//!
//! Rule: a shared core whose last lease is gone is kept while its set is
//! fresh, for at most its `cacheMaxAge` (10 minutes for a set that never
//! expires: see `share::threads::keep_for`), so that threads coming one
//! after another (a pool recycling its workers) find it; a core without a
//! fresh set goes at once. A kept core whose time is up is dropped at the
//! next join, last lease or count, in whichever thread makes it.

use std::ops::Deref;
use std::sync::{Arc, LazyLock};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use napi_derive::napi;

use super::config::NativeConfig;
use super::source::key_source;
use super::store::{SharedHandle, shared_source};
use crate::Millis;
use crate::error::Error;
use crate::share::threads::{Lease, Registry, keep_for};
use crate::state::client::Client;

/// A core client shared by threads, with its `sharedCache` store, if any.
pub struct Threaded {
    /// The client.
    pub client: Client,
    /// The counters of its store.
    pub store: Option<SharedHandle>,
}

static SHARED: LazyLock<Registry<Threaded>> = LazyLock::new(|| {
    Registry::keeping(
        Box::new(monotonic_ms),
        Box::new(|shared: &Threaded| keep_for(&shared.client, wall_clock_ms())),
    )
});

/// Milliseconds since the registry was first used, on a clock that never goes back.
fn monotonic_ms() -> Millis {
    static START: LazyLock<Instant> = LazyLock::new(Instant::now);
    u64::try_from(START.elapsed().as_millis()).unwrap_or(Millis::MAX)
}

/// `Date.now()`, the clock a set's expiry is on.
fn wall_clock_ms() -> Millis {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| {
            u64::try_from(since.as_millis()).unwrap_or(Millis::MAX)
        })
}

/// The shared core client for `key`, made from `config` if no thread holds
/// one: native HTTP only, no JavaScript hooks.
///
/// # Errors
/// `ArgumentError` for unusable TLS, proxy or store settings.
pub fn join(key: &str, config: &NativeConfig) -> Result<Lease<Threaded>, Error> {
    SHARED.join(key, || {
        let chosen = key_source(config, None, None)?;
        let (source, store) = shared_source(config, chosen.source, None)?;
        Ok(Threaded {
            client: Client::new(config.client_config(), source),
            store,
        })
    })
}

/// How many shared core clients some client holds in this process.
#[napi(catch_unwind)]
pub fn shared_clients() -> u32 {
    u32::try_from(SHARED.len()).unwrap_or(u32::MAX)
}

/// How many shared core clients no client holds any more, kept in this
/// process while their sets are fresh.
#[napi(catch_unwind)]
pub fn shared_sets_kept() -> u32 {
    u32::try_from(SHARED.kept()).unwrap_or(u32::MAX)
}

/// A core client owned by one JavaScript object or shared by key; clones
/// keep it alive for work that may outlive the object (a fetch whose thread
/// exits before it ends).
#[derive(Clone)]
pub enum Core {
    /// This thread's own.
    Own(Arc<Client>),
    /// Shared with every thread holding the same key.
    Shared(Lease<Threaded>),
}

impl Deref for Core {
    type Target = Client;

    fn deref(&self) -> &Client {
        match self {
            Core::Own(client) => client,
            Core::Shared(lease) => &lease.client,
        }
    }
}
