//! `reload()`, `warm()`, refresh-ahead and the background refresh of a
//! `NativeClient`: the shim keeps the timer and names the trigger; the core
//! decides whether the refresh fetches (see `state::client::refresh`).

use napi_derive::napi;

use super::client::{NativeClient, query};
use super::config::clock_ms;
use super::convert::{ErrorInfo, FetchEvent, KeyAnswer, KeyData};
use super::requests::FetchRequest;
use crate::error::Error;
use crate::keys::keyset::KidQuery;
use crate::state::client::Trigger;

/// A refresh, with the kids the memo holds (to bring up to the new set).
#[napi(object)]
pub struct RefreshRequest {
    /// `reload`, `warm`, `refreshAhead` or `backgroundRefresh`.
    pub trigger: String,
    /// The clock readings and `watch`.
    pub fetch: FetchRequest,
    /// The memo's kids (`null` for `undefined`/`null`, which ask for the
    /// only key).
    pub kids: Vec<Option<String>>,
}

/// The answer to a refresh.
#[napi(object)]
pub struct RefreshAnswer {
    /// The signing keys of the set, for `reload()` and `warm()`.
    pub keys: Option<Vec<KeyData>>,
    /// The kids of the set, in order (`null` for a key without one).
    pub kids: Vec<Option<String>>,
    /// Whether the endpoint was asked (not answered by the set in use).
    pub fetched: bool,
    /// For each kid of the request: its answer from the set now in use,
    /// `null` when the set does not list it.
    pub renewed: Vec<Option<KeyAnswer>>,
    /// From when a memo hit starts the next refresh-ahead (ms); none: never.
    pub refresh_from: Option<f64>,
    pub error: Option<ErrorInfo>,
    /// Set when the rate limiter makes `reload()` wait this many
    /// milliseconds, then ask again with `waited` set.
    pub retry_after: Option<f64>,
    pub event: Option<FetchEvent>,
}

#[napi]
impl NativeClient {
    /// A refresh for `trigger`, charged to the rate limiter when `limiter`
    /// is given. Only `reload()` and `warm()` wait for a token; a refresh
    /// nobody waits for is refused instead.
    #[napi]
    pub async fn refresh(&self, request: RefreshRequest) -> napi::Result<RefreshAnswer> {
        let trigger = Trigger::named(&request.trigger).ok_or_else(|| {
            napi::Error::from_reason(format!("unknown trigger {}", request.trigger))
        })?;
        let lookup = request.fetch.lookup();
        let core = self.core();
        let mut answer = RefreshAnswer {
            keys: None,
            kids: Vec::new(),
            fetched: false,
            renewed: Vec::new(),
            refresh_from: None,
            error: None,
            retry_after: None,
            event: None,
        };
        match core.refresh(trigger, lookup).await {
            Ok(refreshed) => {
                let keys = refreshed.set.keys();
                answer.kids = keys.iter().map(|k| k.kid.clone()).collect();
                if trigger.waits() {
                    answer.keys = Some(keys.iter().map(|k| k.as_ref().into()).collect());
                }
                answer.fetched = refreshed.fetched;
                let queries: Vec<KidQuery> = request
                    .kids
                    .into_iter()
                    .map(|kid| query(kid, true))
                    .collect();
                let now = clock_ms(request.fetch.now);
                answer.renewed = core
                    .renewed(&queries, now)
                    .iter()
                    .map(|hit| hit.as_ref().map(KeyAnswer::hit))
                    .collect();
            }
            Err(Error::RateLimitWait(ms)) if trigger.waits() => {
                answer.retry_after = Some(ms as f64)
            }
            Err(Error::RateLimitWait(_)) => {
                answer.error = Some(ErrorInfo::from(&Error::JwksRateLimitError));
            }
            Err(err) => answer.error = Some(ErrorInfo::from(&err)),
        }
        answer.refresh_from = core.refresh_ahead_from().map(|t| t as f64);
        if request.fetch.watch.unwrap_or(false) {
            answer.event = Some(FetchEvent::of(&core));
        }
        Ok(answer)
    }
}
