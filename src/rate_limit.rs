//! `jwksRequestsPerMinute`: a governor (GCRA) limiter on fetches.
//!
//! Time is whatever the caller says it is. The shim passes JavaScript's clock,
//! so a test suite that fakes timers drives the limiter as it drives the
//! cache, just as it drives jwks-rsa's `limiter` package.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use governor::clock::Clock;
use governor::middleware::StateInformationMiddleware;
use governor::nanos::Nanos;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};

use crate::cache::Millis;

/// A clock that reads the time last given to it (nanoseconds on its own axis).
#[derive(Debug, Clone, Default)]
pub struct InputClock(Arc<AtomicU64>);

impl Clock for InputClock {
    type Instant = Nanos;

    fn now(&self) -> Nanos {
        Nanos::from(self.0.load(Ordering::Relaxed))
    }
}

/// Refuses fetches beyond a per-minute budget, with a burst of one minute's worth.
pub struct FetchLimiter {
    clock: InputClock,
    /// The last instant given by the caller.
    last_input: Option<Millis>,
    /// `None` when the budget is zero: every fetch is refused.
    limiter: Option<RateLimiter<NotKeyed, InMemoryState, InputClock, StateInformationMiddleware>>,
    /// Fetches left in the budget after the last one taken.
    remaining: u32,
}

impl std::fmt::Debug for FetchLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FetchLimiter")
            .field("unlimited_or_closed", &self.limiter.is_none())
            .finish()
    }
}

impl FetchLimiter {
    /// A limiter allowing `per_minute` fetches a minute; zero allows none.
    pub fn new(per_minute: u32) -> Self {
        let clock = InputClock::default();
        let limiter = NonZeroU32::new(per_minute).map(|n| {
            RateLimiter::direct_with_clock(Quota::per_minute(n), clock.clone())
                .with_middleware::<StateInformationMiddleware>()
        });
        FetchLimiter {
            limiter,
            clock,
            last_input: None,
            remaining: per_minute,
        }
    }

    /// Moves the limiter's clock forward by the time elapsed since the last
    /// call; a clock that jumps backwards (fake timers being installed) just
    /// restarts the count from the new reading.
    fn advance(&mut self, now: Millis) {
        let elapsed = match self.last_input {
            Some(last) if now >= last => now - last,
            _ => 0,
        };
        self.last_input = Some(now);
        let nanos = elapsed.saturating_mul(1_000_000);
        self.clock.0.fetch_add(nanos, Ordering::Relaxed);
    }

    /// Takes one fetch from the budget, or says none is left.
    pub fn try_acquire(&mut self, now: Millis) -> bool {
        self.advance(now);
        let Some(limiter) = &self.limiter else {
            return false;
        };
        match limiter.check() {
            Ok(snapshot) => {
                self.remaining = snapshot.remaining_burst_capacity();
                true
            }
            Err(_) => {
                self.remaining = 0;
                false
            }
        }
    }

    /// Fetches left in the budget after the last one taken (for logs).
    pub fn remaining(&self) -> u32 {
        self.remaining
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_a_minute_of_burst_then_refills() {
        let mut limiter = FetchLimiter::new(2);
        assert!(limiter.try_acquire(0));
        assert_eq!(limiter.remaining(), 1);
        assert!(limiter.try_acquire(1));
        assert_eq!(limiter.remaining(), 0);
        assert!(!limiter.try_acquire(2));
        // One token every 30 s at 2 per minute.
        assert!(limiter.try_acquire(30_002));
        assert!(!limiter.try_acquire(30_003));
    }

    #[test]
    fn zero_per_minute_allows_nothing() {
        let mut limiter = FetchLimiter::new(0);
        assert!(!limiter.try_acquire(0));
        assert!(!limiter.try_acquire(600_000));
    }

    #[test]
    fn a_clock_jumping_back_does_not_refill_or_panic() {
        let mut limiter = FetchLimiter::new(1);
        assert!(limiter.try_acquire(1_700_000_000_000));
        assert!(!limiter.try_acquire(0));
        assert!(!limiter.try_acquire(59_000));
        assert!(limiter.try_acquire(60_001));
    }
}
