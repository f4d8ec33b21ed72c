//! The one rule for numeric options, the same as the JavaScript layer's
//! (`lib/options.js`): a whole number of units, truncated; below one unit
//! (0.5, 0, negative, NaN) means "not set", so the default applies; above
//! the largest value (Infinity too) means the largest value. No value can
//! remove the deadline of a fetch or make a cap of one byte by rounding.

/// Deadline of a fetch when `timeout` is not set by this rule.
pub const DEFAULT_TIMEOUT_MS: u64 = 30_000;
/// Longest deadline, as Node's timers clamp (2^31 - 1 ms, about 24.8 days).
pub const MAX_TIMEOUT_MS: u64 = 2_147_483_647;
/// Response cap when `maxResponseBytes` is not set by this rule: 1 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 1 << 20;
/// Largest integer a JavaScript number holds exactly.
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// `value` as a whole number of units at most `max` (itself at most
/// 2^53 - 1, exact as an f64), or `None` when below one unit.
pub fn whole(value: f64, max: u64) -> Option<u64> {
    let n = value.floor();
    (n >= 1.0).then_some(if n >= max as f64 { max } else { n as u64 })
}

/// A duration option in milliseconds (`unknownKidCooldown`, `cacheMaxAge`);
/// `None` is "off".
pub fn millis(value: f64) -> Option<u64> {
    whole(value, MAX_SAFE_INTEGER)
}

/// `timeout` in milliseconds: there is always a deadline.
pub fn timeout_ms(value: f64) -> u64 {
    whole(value, MAX_TIMEOUT_MS).unwrap_or(DEFAULT_TIMEOUT_MS)
}

/// `maxResponseBytes`: never below one byte by rounding.
pub fn max_response_bytes(value: f64) -> usize {
    let bytes = whole(value, MAX_SAFE_INTEGER).unwrap_or(DEFAULT_MAX_RESPONSE_BYTES);
    usize::try_from(bytes).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_timeout_is_a_deadline() {
        let cases = [
            (0.5, DEFAULT_TIMEOUT_MS),
            (0.0, DEFAULT_TIMEOUT_MS),
            (-1.0, DEFAULT_TIMEOUT_MS),
            (f64::NAN, DEFAULT_TIMEOUT_MS),
            (f64::NEG_INFINITY, DEFAULT_TIMEOUT_MS),
            (1.9, 1),
            (250.0, 250),
            (1e300, MAX_TIMEOUT_MS),
            (f64::INFINITY, MAX_TIMEOUT_MS),
        ];
        for (timeout, ms) in cases {
            assert_eq!(timeout_ms(timeout), ms, "{timeout}");
        }
    }

    #[test]
    fn a_byte_cap_below_one_byte_is_the_default() {
        let cases = [
            (0.5, 1 << 20),
            (0.0, 1 << 20),
            (f64::NAN, 1 << 20),
            (1.5, 1),
            (4096.0, 4096),
            (f64::INFINITY, MAX_SAFE_INTEGER as usize),
        ];
        for (bytes, cap) in cases {
            assert_eq!(max_response_bytes(bytes), cap, "{bytes}");
        }
    }

    #[test]
    fn durations_below_one_millisecond_are_off() {
        assert_eq!(millis(0.5), None);
        assert_eq!(millis(f64::NAN), None);
        assert_eq!(millis(1000.9), Some(1000));
    }
}
