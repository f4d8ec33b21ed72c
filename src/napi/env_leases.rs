//! Each Node environment's leases on shared cores, given back when the
//! environment is torn down.
//!
//! A wrapped client normally gives its lease back in its finalizer, but a
//! finalizer is not something to count on when a worker thread ends (by
//! `process.exit()` inside it, by `terminate()`) or the main thread exits.
//! So every lease an environment takes is also listed in a [`Roster`] kept
//! as that environment's instance data, and an env cleanup hook empties it:
//! whichever of the hook and the finalizer comes second finds the slot empty
//! and does nothing.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};

use napi::Env;
use napi_derive::napi;

use super::threads::Threaded;
use crate::share::threads::{Lease, Roster, Slot};

/// Where one client keeps its lease on a shared core.
pub type LeaseSlot = Slot<Lease<Threaded>>;

/// The instance data: the slots of this environment's clients.
struct EnvLeases(Roster<Lease<Threaded>>);

/// Puts `lease` in a new slot listed under `env`, registering the instance
/// data and the cleanup hook with the environment's first lease.
///
/// # Errors
/// When Node refuses the instance data or the hook.
pub fn track(env: &Env, lease: Lease<Threaded>) -> napi::Result<LeaseSlot> {
    let roster = match env.get_instance_data::<EnvLeases>()? {
        Some(data) => data.0.clone(),
        None => {
            let roster = Roster::default();
            env.set_instance_data(EnvLeases(roster.clone()), (), |_| {})?;
            env.add_env_cleanup_hook(roster.clone(), release_all)?;
            roster
        }
    };
    Ok(roster.add(lease))
}

/// The cleanup hook. It runs from Node's teardown, where napi-rs catches no
/// panic, so none may escape.
fn release_all(roster: Roster<Lease<Threaded>>) {
    if let Ok(taken) = catch_unwind(AssertUnwindSafe(|| roster.release_all())) {
        RELEASED.fetch_add(taken, Ordering::Relaxed);
    }
}

/// Leases given back by cleanup hooks rather than by their clients.
static RELEASED: AtomicUsize = AtomicUsize::new(0);

/// How many leases environments' cleanup hooks gave back in this process
/// (their clients' finalizers had not run yet).
#[napi(catch_unwind)]
pub fn leases_released_at_teardown() -> u32 {
    u32::try_from(RELEASED.load(Ordering::Relaxed)).unwrap_or(u32::MAX)
}
