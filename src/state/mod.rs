//! The state layer: the one owner of a client's state. The key cache (expiry
//! and the stale store), the rate limiter, the client that orchestrates a
//! lookup, its refreshes and revalidation and its single fetch in flight,
//! the options' defaults and bounds, the counters, and the mutex all of it is
//! kept under. No clock is read here: every instant comes in as an argument.
//! It uses `keys`, `source`, `http` (Cache-Control only) and `error`; `share`
//! and the napi layer use it.

pub mod cache;
pub mod client;
pub mod mutex;
pub mod option_rule;
pub mod rate_limit;
pub mod stats;
