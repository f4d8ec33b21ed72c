//! The process-wide registry behind `shareAcrossThreads`.
//!
//! Rule: each key names at most one value, handed out as [`Lease`]s; the
//! value lives while a lease on it does and, once the last lease is gone,
//! for as long again as the registry's keep policy allows (never, without
//! one), and an entry whose value is neither leased nor kept any more is
//! removed at the next call into the registry.
//!
//! The first lease of a key makes the value; every later one while it
//! lives, leased or kept, gets the same value. A lease goes with its client
//! (collected, its thread gone, its last fetch ended).
//!
//! Nothing here knows which thread a lease belongs to: a value is owned by
//! its leases alone (and by the registry while it keeps it), so no thread's
//! exit can take it from the others.

use std::collections::BTreeMap;
use std::ops::Deref;
use std::sync::{Arc, Weak};

use crate::Millis;
use crate::state::mutex::Mutex;

mod keep;
mod roster;
pub use keep::keep_for;
pub use roster::{Roster, Slot};

/// The clock a keep policy runs on, in milliseconds (any origin, never going back).
pub type Clock = Box<dyn Fn() -> Millis + Send + Sync>;

/// How long a value nobody leases any more is worth keeping; `None`: not at all.
pub type KeepFor<T> = Box<dyn Fn(&T) -> Option<Millis> + Send + Sync>;

struct Policy<T> {
    clock: Clock,
    keep_for: KeepFor<T>,
}

/// A value kept after its last lease went, until `until` on the policy's clock.
struct Kept<T> {
    value: Arc<T>,
    until: Millis,
}

/// One key: its leased value, if alive, or its kept one.
struct Entry<T> {
    live: Weak<Held<T>>,
    kept: Option<Kept<T>>,
}

type Entries<T> = BTreeMap<String, Entry<T>>;

struct Table<T> {
    entries: Mutex<Entries<T>>,
    policy: Option<Policy<T>>,
}

impl<T> Table<T> {
    fn now(&self) -> Millis {
        self.policy.as_ref().map_or(0, |policy| (policy.clock)())
    }
}

/// Removes the entries neither leased nor kept at `now`, handing their
/// values to `gone` so that they are dropped after the lock is let go.
fn sweep<T>(entries: &mut Entries<T>, now: Millis, gone: &mut Vec<Arc<T>>) {
    entries.retain(|_, entry| {
        if entry.live.strong_count() > 0 {
            return true;
        }
        match entry.kept.take() {
            Some(kept) if now <= kept.until => {
                entry.kept = Some(kept);
                true
            }
            Some(kept) => {
                gone.push(kept.value);
                false
            }
            None => false,
        }
    });
}

/// Values shared by key, each alive while a lease on it is (and kept a
/// while after, by the policy of [`Registry::keeping`]).
pub struct Registry<T> {
    table: Arc<Table<T>>,
}

impl<T> Default for Registry<T> {
    fn default() -> Self {
        Registry {
            table: Arc::new(Table {
                entries: Mutex::new(BTreeMap::new()),
                policy: None,
            }),
        }
    }
}

impl<T> Registry<T> {
    /// An empty registry whose values go with their last lease.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty registry that keeps a value, once its last lease is gone,
    /// for `keep_for(value)` milliseconds of `clock`: a later join within
    /// that time gets it back.
    pub fn keeping(clock: Clock, keep_for: KeepFor<T>) -> Self {
        Registry {
            table: Arc::new(Table {
                entries: Mutex::new(BTreeMap::new()),
                policy: Some(Policy { clock, keep_for }),
            }),
        }
    }

    /// A lease on the value for `key`, leased or kept, or on a new one from
    /// `make`. Entries whose time is up are removed first.
    ///
    /// `make` runs under the registry's lock, so two threads joining the same
    /// key at once get one value.
    ///
    /// # Errors
    /// Whatever `make` returns; nothing is registered then.
    pub fn join<E>(&self, key: &str, make: impl FnOnce() -> Result<T, E>) -> Result<Lease<T>, E> {
        let now = self.table.now();
        // Declared before the guard, so dropped after it is let go.
        let mut gone = Vec::new();
        let mut entries = self.table.entries.lock();
        sweep(&mut entries, now, &mut gone);
        let mut resumed = None;
        if let Some(entry) = entries.get_mut(key) {
            if let Some(live) = entry.live.upgrade() {
                return Ok(Lease(live));
            }
            resumed = entry.kept.take().map(|kept| kept.value);
        }
        let value = match resumed {
            Some(value) => value,
            None => Arc::new(make()?),
        };
        let held = Arc::new(Held {
            value,
            key: key.to_owned(),
            table: Arc::clone(&self.table),
        });
        let entry = Entry {
            live: Arc::downgrade(&held),
            kept: None,
        };
        entries.insert(key.to_owned(), entry);
        Ok(Lease(held))
    }

    /// Counts the entries `which` selects, after removing those whose time is up.
    fn count(&self, which: impl Fn(&Entry<T>) -> bool) -> usize {
        let now = self.table.now();
        let mut gone = Vec::new();
        let mut entries = self.table.entries.lock();
        sweep(&mut entries, now, &mut gone);
        entries.values().filter(|entry| which(entry)).count()
    }

    /// How many keys have a value some lease holds.
    pub fn len(&self) -> usize {
        self.count(|entry| entry.live.strong_count() > 0)
    }

    /// Whether no lease holds a value.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many keys have a value no lease holds, kept until its time is up.
    pub fn kept(&self) -> usize {
        self.count(|entry| entry.kept.is_some())
    }
}

/// A registered value and where to unregister it from.
struct Held<T> {
    value: Arc<T>,
    key: String,
    table: Arc<Table<T>>,
}

impl<T> Drop for Held<T> {
    /// The last lease is gone: keeps the value if the policy says so, else
    /// forgets the key, unless a newer value took the key over already.
    fn drop(&mut self) {
        let table = &self.table;
        let now = table.now();
        // Asked before locking: the policy may lock the value's own state.
        let until = table.policy.as_ref().and_then(|policy| {
            let keep = (policy.keep_for)(&self.value)?;
            Some(now.saturating_add(keep))
        });
        // Declared before the guard, so dropped after it is let go.
        let mut gone = Vec::new();
        let mut entries = table.entries.lock();
        sweep(&mut entries, now, &mut gone);
        let taken_over = entries
            .get(&self.key)
            .is_some_and(|entry| entry.live.strong_count() > 0 || entry.kept.is_some());
        if taken_over {
            return;
        }
        if let Some(until) = until {
            let kept = Kept {
                value: Arc::clone(&self.value),
                until,
            };
            let entry = Entry {
                live: Weak::new(),
                kept: Some(kept),
            };
            entries.insert(self.key.clone(), entry);
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
        Arc::ptr_eq(&a.0.value, &b.0.value)
    }
}

#[cfg(test)]
mod tests;
