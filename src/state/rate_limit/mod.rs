//! `jwksRequestsPerMinute`: the rule of jwks-rsa's limiter, on its clocks.
//!
//! jwks-rsa builds a `limiter` `RateLimiter(n, 'minute', fireImmediately)`
//! when its client is created. A fetch is admitted in two steps:
//!
//! 1. The minute: at most `n` fetches per interval. An interval starts when
//!    the client is created, and again at the first request 60 000 ms or more
//!    after the current one started (or when the clock reads earlier than
//!    that start). A request over the count is refused at once.
//! 2. The bucket: `n` tokens, full at creation, dripping back continuously
//!    at `n` per 60 000 ms up to `n`. A request the minute allows but that
//!    finds less than one token waits until one has dripped in (the wait is
//!    computed once and rounded up), then tries the bucket again, and counts
//!    against the interval current when it finally takes its token.
//!
//! The two steps read two clocks: the minute reads the monotonic clock
//! (`process.hrtime()`, whole milliseconds), the bucket the wall clock
//! (`new Date()`). The shim reads both and hands them over, so fake timers
//! drive this limiter exactly as they drive jwks-rsa's, and a fake clock that
//! moves only `Date` moves only the bucket, as it does there.

use crate::Millis;

/// The length of the limiter's interval.
pub const INTERVAL: Millis = 60_000;

/// One reading of each clock the limiter uses, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LimiterClock {
    /// `process.hrtime()` in whole milliseconds: starts and ends intervals.
    pub monotonic: Millis,
    /// `new Date()`: drips the bucket.
    pub wall: Millis,
}

/// What the limiter says to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Go ahead: a token was taken.
    Admitted,
    /// Refused: the interval's count is used up.
    Refused,
    /// Try the bucket again after this many milliseconds (see [`FetchLimiter::retry`]).
    Wait(Millis),
}

/// The limiter of one client.
#[derive(Debug, Clone)]
pub struct FetchLimiter {
    per_minute: u32,
    interval_start: Millis,
    taken_this_interval: u32,
    tokens: f64,
    last_drip: Millis,
}

impl FetchLimiter {
    /// A limiter of `per_minute` fetches, created at `clock`; zero allows none.
    pub fn new(per_minute: u32, clock: LimiterClock) -> Self {
        FetchLimiter {
            per_minute,
            interval_start: clock.monotonic,
            taken_this_interval: 0,
            tokens: f64::from(per_minute),
            last_drip: clock.wall,
        }
    }

    /// Asks for one fetch.
    pub fn try_acquire(&mut self, clock: LimiterClock) -> Admission {
        if clock.monotonic < self.interval_start
            || clock.monotonic - self.interval_start >= INTERVAL
        {
            self.interval_start = clock.monotonic;
            self.taken_this_interval = 0;
        }
        if self.taken_this_interval >= self.per_minute {
            return Admission::Refused;
        }
        self.retry(clock.wall)
    }

    /// Tries the bucket again for a request told to [`Admission::Wait`]; the
    /// interval is not checked again, as in jwks-rsa.
    pub fn retry(&mut self, wall: Millis) -> Admission {
        if self.per_minute == 0 {
            return Admission::Refused;
        }
        self.drip(wall);
        if self.tokens < 1.0 {
            let wait =
                ((1.0 - self.tokens) * (INTERVAL as f64 / f64::from(self.per_minute))).ceil();
            // A float in (0, 60 000]: the cast cannot truncate.
            return Admission::Wait(wait as Millis);
        }
        self.tokens -= 1.0;
        self.taken_this_interval = self.taken_this_interval.saturating_add(1);
        Admission::Admitted
    }

    fn drip(&mut self, wall: Millis) {
        let elapsed = wall.saturating_sub(self.last_drip);
        self.last_drip = wall;
        let per_ms = f64::from(self.per_minute) / INTERVAL as f64;
        self.tokens = (self.tokens + elapsed as f64 * per_ms).min(f64::from(self.per_minute));
    }

    /// Tokens left in the bucket after the last request (logged as jwks-rsa does).
    pub fn remaining(&self) -> f64 {
        self.tokens
    }
}

#[cfg(test)]
mod tests;
