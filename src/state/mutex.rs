//! The mutex the client's shared state is kept under.
//!
//! `std::sync::Mutex` rather than `parking_lot`'s: on `wasm32-wasip1-threads`
//! parking_lot (without its nightly feature) has no thread parker and panics
//! with "Parking not supported on this platform" as soon as a lock is
//! contended past its spin, which on wasm is a trap that kills the WASI
//! thread. The standard one waits on `memory.atomic.wait32` there.

use std::sync::{MutexGuard, PoisonError};

/// A mutual-exclusion lock whose `lock` never fails: a panic while it was held
/// leaves data that every writer keeps consistent at each step, so poisoning
/// is ignored.
#[derive(Debug, Default)]
pub struct Mutex<T>(std::sync::Mutex<T>);

impl<T> Mutex<T> {
    /// A lock holding `value`.
    pub const fn new(value: T) -> Self {
        Mutex(std::sync::Mutex::new(value))
    }

    /// Waits for the lock and returns its guard.
    pub fn lock(&self) -> MutexGuard<'_, T> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::Mutex;
    use std::sync::Arc;

    #[test]
    fn contended_lock_is_shared_by_threads() {
        let counter = Arc::new(Mutex::new(0u32));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let counter = Arc::clone(&counter);
                std::thread::spawn(move || {
                    for _ in 0..1000 {
                        *counter.lock() += 1;
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().expect("thread");
        }
        assert_eq!(*counter.lock(), 4000);
    }

    #[test]
    fn a_panic_while_held_does_not_lock_others_out() {
        let lock = Arc::new(Mutex::new(1));
        let held = Arc::clone(&lock);
        let result = std::thread::spawn(move || {
            let _guard = held.lock();
            panic!("while held");
        })
        .join();
        assert!(result.is_err());
        assert_eq!(*lock.lock(), 1);
    }
}
