//! The process-wide registry behind `shareAcrossThreads`.
//!
//! Each key names at most one live value, handed out as [`Lease`]s: the
//! first lease of a key makes the value, every later one while it lives gets
//! the same value, and the value and its entry go when the last lease is
//! dropped (its client collected, its thread gone, its last fetch ended).
//!
//! Nothing here knows which thread a lease belongs to: a value is owned by
//! its leases alone, so no thread's exit can take it from the others.

use std::collections::BTreeMap;
use std::ops::Deref;
use std::sync::{Arc, Weak};

use crate::state::mutex::Mutex;

mod roster;
pub use roster::{Roster, Slot};

type Entries<T> = Arc<Mutex<BTreeMap<String, Weak<Held<T>>>>>;

/// Values shared by key, each alive while a lease on it is.
pub struct Registry<T> {
    entries: Entries<T>,
}

impl<T> Default for Registry<T> {
    fn default() -> Self {
        Registry {
            entries: Arc::new(Mutex::new(BTreeMap::new())),
        }
    }
}

impl<T> Registry<T> {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// A lease on the live value for `key`, or on a new one from `make`.
    ///
    /// `make` runs under the registry's lock, so two threads joining the same
    /// key at once get one value.
    ///
    /// # Errors
    /// Whatever `make` returns; nothing is registered then.
    pub fn join<E>(&self, key: &str, make: impl FnOnce() -> Result<T, E>) -> Result<Lease<T>, E> {
        let mut entries = self.entries.lock();
        if let Some(live) = entries.get(key).and_then(Weak::upgrade) {
            return Ok(Lease(live));
        }
        let held = Arc::new(Held {
            value: make()?,
            key: key.to_owned(),
            entries: Arc::clone(&self.entries),
        });
        entries.insert(key.to_owned(), Arc::downgrade(&held));
        Ok(Lease(held))
    }

    /// How many keys are registered (each with a live value).
    pub fn len(&self) -> usize {
        self.entries.lock().len()
    }

    /// Whether no key is registered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A registered value and where to unregister it from.
struct Held<T> {
    value: T,
    key: String,
    entries: Entries<T>,
}

impl<T> Drop for Held<T> {
    /// Forgets the key unless a newer value took it over already.
    fn drop(&mut self) {
        let mut entries = self.entries.lock();
        if entries
            .get(&self.key)
            .is_some_and(|weak| weak.strong_count() == 0)
        {
            entries.remove(&self.key);
        }
    }
}

/// One holder's share of a registered value; clones share it too.
pub struct Lease<T>(Arc<Held<T>>);

impl<T> Clone for Lease<T> {
    fn clone(&self) -> Self {
        Lease(Arc::clone(&self.0))
    }
}

impl<T> Deref for Lease<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0.value
    }
}

impl<T> Lease<T> {
    /// Whether two leases share one value.
    pub fn same(a: &Self, b: &Self) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }
}

#[cfg(test)]
mod tests;
