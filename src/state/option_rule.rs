//! Every default and bound of a client option, written once.
//!
//! The rule that applies them is the shim's (`lib/config/options.js`, which says
//! why it is there); the napi layer exports these constants to it
//! (`src/napi/config.rs`), and the core takes the numbers the rule hands it
//! as they are: whole, and within these bounds.

use crate::Millis;
pub use crate::http::cache_control::DEFAULT_MIN_CACHE_AGE_MS;

/// `cacheMaxAge` when not set: 10 minutes, as in jwks-rsa.
pub const DEFAULT_CACHE_MAX_AGE_MS: Millis = 600_000;
/// `cacheMaxEntries` when not set, as in jwks-rsa.
pub const DEFAULT_CACHE_MAX_ENTRIES: usize = 5;
/// `jwksRequestsPerMinute` when not set, as in jwks-rsa.
pub const DEFAULT_JWKS_REQUESTS_PER_MINUTE: u32 = 10;
/// `timeout` when not set or below 1 ms: 30 s, so a fetch always has a deadline.
pub const DEFAULT_TIMEOUT_MS: Millis = 30_000;
/// The longest delay of one Node timer (2^31 - 1 ms, about 24.8 days): the
/// longest `timeout` and `backgroundRefresh`.
pub const MAX_TIMER_MS: Millis = 2_147_483_647;
/// `maxResponseBytes` when not set: 1 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 1 << 20;
/// The shortest `backgroundRefresh`: no option makes it hammer the endpoint.
pub const MIN_BACKGROUND_MS: Millis = 1_000;
/// `sharedCache.commandTimeout` when not set: 500 ms, or `timeout` if shorter.
pub const DEFAULT_COMMAND_TIMEOUT_MS: Millis = 500;
/// `retry: true`, or `retry.retries` when not set: one retry.
pub const DEFAULT_RETRIES: u32 = 1;
/// The most retries `retry.retries` allows: past a few, a retry only adds
/// load to an endpoint that is down, and the `timeout` deadline ends them anyway.
pub const MAX_RETRIES: u32 = 10;
/// `retry.minDelay` when not set: the first retry waits 100 to 200 ms.
pub const DEFAULT_RETRY_MIN_DELAY_MS: Millis = 100;
/// `retry.maxDelay` when not set: no pause is longer than 1 s, nor is a
/// longer `Retry-After` waited for (a lookup is usually holding a request).
pub const DEFAULT_RETRY_MAX_DELAY_MS: Millis = 1_000;
