//! The retrying key source, around the one key source of a client.

use std::hash::{BuildHasher, RandomState};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_util::FutureExt;
use futures_util::future::{BoxFuture, Either, select};

use super::RetryPolicy;
use crate::Millis;
use crate::error::Error;
use crate::http::failure;
use crate::source::headers::Validators;
use crate::source::{Document, FailureHint, KeySource, Reply};

/// Time as the retries see it: tokio's timer in a client, a driven clock
/// in tests.
pub trait Timer: Send + Sync + 'static {
    /// Milliseconds on a clock that never goes back.
    fn now(&self) -> Millis;
    /// Milliseconds since the Unix epoch, for a `Retry-After` date.
    fn wall(&self) -> Millis;
    /// Resolves `ms` later.
    fn sleep(&self, ms: Millis) -> BoxFuture<'static, ()>;
}

/// tokio's timer, and the system clock for dates.
pub struct TokioTimer(tokio::time::Instant);

impl Default for TokioTimer {
    fn default() -> Self {
        TokioTimer(tokio::time::Instant::now())
    }
}

impl Timer for TokioTimer {
    fn now(&self) -> Millis {
        Millis::try_from(self.0.elapsed().as_millis()).unwrap_or(Millis::MAX)
    }
    fn wall(&self) -> Millis {
        SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| {
            Millis::try_from(d.as_millis()).unwrap_or(Millis::MAX)
        })
    }
    fn sleep(&self, ms: Millis) -> BoxFuture<'static, ()> {
        tokio::time::sleep(Duration::from_millis(ms)).boxed()
    }
}

/// A key source that tries again after a transient failure (`retry`).
///
/// The retries are part of the one fetch they retry: the rate limiter
/// admitted that fetch once and charges no retry, every lookup waiting on
/// it waits for its end, `stats().fetches` counts it once, and a shared
/// store (`sharedCache`) sees one fetch of its holder. That fetch ends
/// within `timeout` of its start: the first attempt has the whole deadline
/// (as without retries), a pause that would end past the deadline is not
/// taken (the failure is final at once), and a later attempt is cut at the
/// deadline, failing as a fetch does at its `timeout` (`socket hang up`).
/// Every attempt sends the same validators (`conditionalRequests`).
pub struct Retrying {
    inner: Arc<Inner>,
}

struct Inner {
    source: Arc<dyn KeySource>,
    policy: RetryPolicy,
    deadline: Millis,
    timer: Arc<dyn Timer>,
}

impl Retrying {
    /// Retries `source` by `policy` within `deadline` (`timeout`) of each fetch's start.
    pub fn new(
        source: Arc<dyn KeySource>,
        policy: RetryPolicy,
        deadline: Duration,
        timer: Arc<dyn Timer>,
    ) -> Self {
        let deadline = Millis::try_from(deadline.as_millis()).unwrap_or(Millis::MAX);
        Retrying {
            inner: Arc::new(Inner {
                source,
                policy,
                deadline,
                timer,
            }),
        }
    }
}

impl KeySource for Retrying {
    fn fetch(&self) -> BoxFuture<'static, Result<Document, Error>> {
        let run = Arc::clone(&self.inner).run(None, true);
        async move { run.await?.into_document() }.boxed()
    }

    fn fetch_with(
        &self,
        validators: Option<&Validators>,
    ) -> BoxFuture<'static, Result<Reply, Error>> {
        Arc::clone(&self.inner)
            .run(validators.cloned(), false)
            .boxed()
    }
}

impl Inner {
    async fn run(
        self: Arc<Self>,
        validators: Option<Validators>,
        plain: bool,
    ) -> Result<Reply, Error> {
        let Inner {
            source,
            policy,
            timer,
            ..
        } = &*self;
        let end = timer.now().saturating_add(self.deadline);
        let (mut result, mut hint) = source.attempt(validators.as_ref(), plain).await;
        for n in 1..=policy.retries {
            let Err(err) = &result else { break };
            let Some(pause) = policy.pause(n, err, &hint, timer.wall(), random()) else {
                break;
            };
            if pause >= end.saturating_sub(timer.now()) {
                break;
            }
            timer.sleep(pause).await;
            let left = end.saturating_sub(timer.now());
            let attempt = source.attempt(validators.as_ref(), plain);
            (result, hint) = match select(attempt, timer.sleep(left)).await {
                Either::Left((attempt, _)) => attempt,
                Either::Right(_) => (Err(failure::hang_up()), FailureHint::default()),
            };
        }
        result
    }
}

/// A number for the jitter: the hash of nothing under a fresh random key.
fn random() -> u64 {
    RandomState::new().hash_one(())
}
