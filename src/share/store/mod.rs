//! A key-set store shared by processes (`sharedCache`): the one fetch a
//! client does make first consults it.
//!
//! The rule this layer keeps: a stored set is used only when it is newer
//! than the set the client already holds and younger than its maximum age,
//! counted from the fetch that produced it; otherwise one process of the
//! fleet takes the lock, fetches, stores, publishes the end of its refresh
//! and releases, while the others wait for that publication (or, when the
//! store cannot publish or a message is lost, poll for its record) until
//! they can take the lock themselves or their wait budget (the fetch
//! `timeout`) is spent, and then fetch directly. A holder that stored
//! nothing publishes that it gave up, and its waiters fetch directly at once. Every
//! store failure (down, slow, garbage) ends in a direct fetch, never in a
//! failed lookup.
//!
//! The store is reached through [`SharedStore`] (Redis natively, or a
//! JavaScript object) and time through [`Clock`], so tests run in memory.

use std::sync::atomic::{AtomicU64, Ordering};

use futures_util::FutureExt;
use futures_util::future::{BoxFuture, Either, select};

use crate::Millis;
use crate::keys::key_types::KeyTypes;
use crate::state::mutex::Mutex;

mod record;
mod source;
#[cfg(test)]
mod tests;
mod upstream;

pub use record::Record;
pub use source::SharedSource;

/// Why a store operation failed, in words for `DEBUG=jwks`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

/// The operations a shared store offers; every one may fail or hang (the
/// caller bounds each by its command timeout).
pub trait SharedStore: Send + Sync + 'static {
    /// The value under `key`, or `None`.
    fn get(&self, key: String) -> BoxFuture<'static, Result<Option<String>, StoreError>>;
    /// Stores `value` under `key` for `ttl` milliseconds.
    fn set(
        &self,
        key: String,
        value: String,
        ttl: Millis,
    ) -> BoxFuture<'static, Result<(), StoreError>>;
    /// Sets `key` to `token` for `ttl` milliseconds only if `key` is absent;
    /// says whether it did (a store without locking always says yes).
    fn lock(
        &self,
        key: String,
        token: String,
        ttl: Millis,
    ) -> BoxFuture<'static, Result<bool, StoreError>>;
    /// Deletes `key` only if it still holds `token`.
    fn unlock(&self, key: String, token: String) -> BoxFuture<'static, Result<(), StoreError>>;
    /// Whether [`SharedStore::renew`] works: then a lock lives a few seconds
    /// and its live holder renews it; otherwise it lives the whole `timeout`.
    fn can_renew(&self) -> bool {
        false
    }
    /// Sets the lifetime of `key` to `ttl` milliseconds only while it holds
    /// `token`; says whether it did.
    fn renew(
        &self,
        _key: String,
        _token: String,
        _ttl: Millis,
    ) -> BoxFuture<'static, Result<bool, StoreError>> {
        futures_util::future::ready(Ok(false)).boxed()
    }
    /// Announces `message` to the processes listening on `channel`; a
    /// store without publication announces nothing (its waiters poll).
    fn publish(
        &self,
        _channel: String,
        _message: String,
    ) -> BoxFuture<'static, Result<(), StoreError>> {
        futures_util::future::ready(Ok(())).boxed()
    }
    /// Resolves once this store listens on `channel`, with a [`Wakeup`] that
    /// resolves at the next publication on it; `None` when the store cannot
    /// listen (its waiters poll).
    fn subscribe(
        &self,
        _channel: String,
    ) -> BoxFuture<'static, Result<Option<Wakeup>, StoreError>> {
        futures_util::future::ready(Ok(None)).boxed()
    }
}

/// The next publication on a channel: its message, or an empty one when
/// listening ended (the waiter then looks at the store again).
pub type Wakeup = BoxFuture<'static, String>;

/// Wall-clock time shared by the processes of a fleet, and waiting.
pub trait Clock: Send + Sync + 'static {
    /// Milliseconds since the Unix epoch.
    fn now(&self) -> Millis;
    /// Resolves after `ms` milliseconds.
    fn sleep(&self, ms: Millis) -> BoxFuture<'static, ()>;
}

/// How a client uses its shared store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedConfig {
    /// Key of the stored set.
    pub key: String,
    /// Key of the refresh lock.
    pub lock_key: String,
    /// How long a stored set stays usable after its fetch.
    pub max_age: Millis,
    /// The fetch `timeout`: the lock's lifetime and the longest wait for
    /// another process's fetch.
    pub wait: Millis,
    /// Bound of each store operation.
    pub command_timeout: Millis,
    /// The largest body accepted from the store, as from the endpoint.
    pub max_bytes: usize,
    /// Key of the HMAC-SHA256 over each record, when set.
    pub secret: Option<Vec<u8>>,
    /// The key types the client serves: a set is shared when it has one.
    pub key_types: KeyTypes,
}

/// What the shared store did for a client, for `stats()`.
#[derive(Debug, Default)]
pub struct SharedCounters {
    /// Sets taken from the store instead of fetching.
    pub hits: AtomicU64,
    /// Sets fetched by this client and written to the store.
    pub writes: AtomicU64,
    /// Fetches that waited for another process holding the lock.
    pub waits: AtomicU64,
    /// Waits ended at once by the lock holder's publication.
    pub wakeups: AtomicU64,
    /// Locks taken over after waiting (the holder ended or died).
    pub takeovers: AtomicU64,
    /// Store operations that failed or timed out (then fetched directly).
    pub errors: AtomicU64,
    /// Records ignored: unreadable, too large, failing the MAC, stale or
    /// without a usable key.
    pub rejected: AtomicU64,
    notes: Mutex<Vec<String>>,
}

/// Notes kept for `DEBUG=jwks` until read; older ones are dropped past this.
const MAX_NOTES: usize = 32;

impl SharedCounters {
    fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Reads a counter.
    pub fn read(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }

    fn note(&self, text: String) {
        let mut notes = self.notes.lock();
        if notes.len() >= MAX_NOTES {
            notes.remove(0);
        }
        notes.push(text);
    }

    /// The notes since the last call, oldest first.
    pub fn take_notes(&self) -> Vec<String> {
        std::mem::take(&mut *self.notes.lock())
    }
}

/// `op`, or a timeout error when it outlasts `ms` on `clock`.
async fn bounded<T>(
    clock: &dyn Clock,
    ms: Millis,
    op: BoxFuture<'static, Result<T, StoreError>>,
) -> Result<T, StoreError> {
    match select(op, clock.sleep(ms).boxed()).await {
        Either::Left((result, _)) => result,
        Either::Right(_) => Err(StoreError(format!(
            "no answer within the command timeout of {ms} ms"
        ))),
    }
}
