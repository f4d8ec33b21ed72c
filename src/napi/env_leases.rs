//! Each Node environment's leases on shared cores, released when the
//! environment is torn down.
//!
//! A wrapped client normally gives its lease back in its finalizer, but Node
//! does not promise to run every finalizer when a worker thread exits (by
//! `process.exit()` inside it, by `terminate()`) or when the main thread
//! ends. So every lease an environment takes is also listed in that
//! environment's instance data, and an env cleanup hook empties the list:
//! whichever of the hook and the finalizer comes second finds the slot empty
//! and does nothing.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Weak};

use napi::Env;

use super::shared::Threaded;
use crate::share::Lease;
use crate::sync::Mutex;

/// Where one client keeps its lease: emptied by the client's drop or by its
/// environment's cleanup hook, whichever comes first.
pub type Slot = Arc<Mutex<Option<Lease<Threaded>>>>;

type Listed = Arc<Mutex<Vec<Weak<Mutex<Option<Lease<Threaded>>>>>>>;

/// The instance data: the slots of this environment's live clients.
struct EnvLeases(Listed);

/// Puts `lease` in a new slot listed under `env`, registering the instance
/// data and cleanup hook on the environment's first lease.
///
/// # Errors
/// When Node refuses the instance data or the hook.
pub fn track(env: &Env, lease: Lease<Threaded>) -> napi::Result<Slot> {
    let listed = match env.get_instance_data::<EnvLeases>()? {
        Some(data) => Arc::clone(&data.0),
        None => {
            let listed = Listed::default();
            env.set_instance_data(EnvLeases(Arc::clone(&listed)), (), |_| {})?;
            env.add_env_cleanup_hook(Arc::clone(&listed), release_all)?;
            listed
        }
    };
    let slot: Slot = Arc::new(Mutex::new(Some(lease)));
    let mut slots = listed.lock();
    slots.retain(|weak| weak.strong_count() > 0);
    slots.push(Arc::downgrade(&slot));
    Ok(slot)
}

/// The cleanup hook: drops every lease the environment still holds. Runs
/// from Node's teardown, where napi-rs catches no panic, so none may escape.
fn release_all(listed: Listed) {
    let _ = catch_unwind(AssertUnwindSafe(|| {
        let slots = std::mem::take(&mut *listed.lock());
        // Taken out of the slots first and dropped after their locks, so a
        // last lease's unregistering never runs under a slot's lock.
        let leases: Vec<_> = slots
            .iter()
            .filter_map(Weak::upgrade)
            .filter_map(|slot| slot.lock().take())
            .collect();
        drop(leases);
    }));
}
