//! `shareAcrossThreads`: one core client per key for the whole process.
//!
//! The addon is loaded once per process and every worker thread's instance
//! of it sees these statics, so a lease taken in one thread is found by the
//! others. A shared core fetches natively (through the `sharedCache` Redis
//! store when configured), on the tokio runtime that lives as long as any
//! Node environment does, so no fetch depends on a JavaScript thread. A
//! thread's leases go with its clients' finalizers or, at the latest, with
//! its environment's cleanup hook (see `env_leases`).

use std::ops::Deref;
use std::sync::{Arc, LazyLock};

use napi_derive::napi;

use super::config::NativeConfig;
use super::source::key_source;
use super::store::{SharedHandle, shared_source};
use crate::error::Error;
use crate::share::threads::{Lease, Registry};
use crate::state::client::Client;

/// A core client shared by threads, with its `sharedCache` store, if any.
pub struct Threaded {
    /// The client.
    pub client: Client,
    /// The counters of its store.
    pub store: Option<SharedHandle>,
}

static SHARED: LazyLock<Registry<Threaded>> = LazyLock::new(Registry::new);

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

/// How many shared core clients are alive in this process.
#[napi(catch_unwind)]
pub fn shared_clients() -> u32 {
    u32::try_from(SHARED.len()).unwrap_or(u32::MAX)
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
