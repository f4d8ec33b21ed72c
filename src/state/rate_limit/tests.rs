use super::*;

fn at(ms: Millis) -> LimiterClock {
    LimiterClock {
        monotonic: ms,
        wall: ms,
    }
}

#[test]
fn n_per_interval_then_refused_until_the_next_interval() {
    let mut limiter = FetchLimiter::new(2, at(0));
    assert_eq!(limiter.try_acquire(at(0)), Admission::Admitted);
    assert_eq!(limiter.try_acquire(at(1)), Admission::Admitted);
    // A GCRA would hand one back after 30 s; the interval does not.
    assert_eq!(limiter.try_acquire(at(31_000)), Admission::Refused);
    assert_eq!(limiter.try_acquire(at(41_000)), Admission::Refused);
    assert_eq!(limiter.try_acquire(at(59_999)), Admission::Refused);
    assert_eq!(limiter.try_acquire(at(60_000)), Admission::Admitted);
    assert_eq!(limiter.try_acquire(at(60_001)), Admission::Admitted);
    assert_eq!(limiter.try_acquire(at(60_002)), Admission::Refused);
}

#[test]
fn the_first_interval_starts_at_creation() {
    let mut limiter = FetchLimiter::new(1, at(1_000));
    assert_eq!(limiter.try_acquire(at(50_000)), Admission::Admitted);
    // 60 s after creation, not after the first request.
    assert_eq!(limiter.try_acquire(at(60_999)), Admission::Refused);
    assert_eq!(limiter.try_acquire(at(61_000)), Admission::Wait(49_000));
}

#[test]
fn an_empty_bucket_in_a_new_interval_makes_the_request_wait() {
    let mut limiter = FetchLimiter::new(2, at(0));
    assert_eq!(limiter.try_acquire(at(0)), Admission::Admitted);
    assert_eq!(limiter.try_acquire(at(59_000)), Admission::Admitted);
    // New interval at 60 s, but the bucket holds 1 + 1/30.
    assert_eq!(limiter.try_acquire(at(60_000)), Admission::Admitted);
    let Admission::Wait(wait) = limiter.try_acquire(at(60_500)) else {
        panic!("expected a wait");
    };
    // (1 - 0.05) tokens at one per 30 s, rounded up.
    assert_eq!(wait, 28_500);
    assert_eq!(limiter.retry(60_500 + 28_499), Admission::Wait(1));
    assert_eq!(limiter.retry(60_500 + 28_500), Admission::Admitted);
    // That request counted against the interval of 60 s: it is full.
    assert_eq!(limiter.try_acquire(at(90_000)), Admission::Refused);
}

#[test]
fn each_step_reads_its_own_clock() {
    let mut limiter = FetchLimiter::new(1, at(0));
    assert_eq!(limiter.try_acquire(at(0)), Admission::Admitted);
    // Only the wall clock moved (a fake `Date`): the interval is not over.
    let wall_only = LimiterClock {
        monotonic: 5,
        wall: 600_000,
    };
    assert_eq!(limiter.try_acquire(wall_only), Admission::Refused);
    // Only the monotonic clock moved: a new interval, but no token yet.
    let mono_only = LimiterClock {
        monotonic: 60_000,
        wall: 0,
    };
    assert_eq!(limiter.try_acquire(mono_only), Admission::Wait(60_000));
}

#[test]
fn a_clock_reading_earlier_than_the_interval_start_starts_a_new_one() {
    let mut limiter = FetchLimiter::new(1, at(1_700_000_000_000));
    assert_eq!(
        limiter.try_acquire(at(1_700_000_000_000)),
        Admission::Admitted
    );
    assert_eq!(
        limiter.try_acquire(at(1_700_000_000_001)),
        Admission::Refused
    );
    // Earlier wall time drips nothing; the bucket is empty.
    assert_eq!(limiter.try_acquire(at(0)), Admission::Wait(60_000));
    assert_eq!(limiter.retry(60_000), Admission::Admitted);
}

#[test]
fn zero_per_minute_allows_nothing() {
    let mut limiter = FetchLimiter::new(0, at(0));
    assert_eq!(limiter.try_acquire(at(0)), Admission::Refused);
    assert_eq!(limiter.try_acquire(at(600_000)), Admission::Refused);
    assert_eq!(limiter.retry(600_000), Admission::Refused);
}

#[test]
fn remaining_is_the_bucket_content() {
    let mut limiter = FetchLimiter::new(3, at(0));
    assert_eq!(limiter.try_acquire(at(0)), Admission::Admitted);
    assert!((limiter.remaining() - 2.0).abs() < f64::EPSILON);
    assert_eq!(limiter.try_acquire(at(10_000)), Admission::Admitted);
    // 2 + 0.5 dripped in 10 s, less one.
    assert!((limiter.remaining() - 1.5).abs() < f64::EPSILON);
}
