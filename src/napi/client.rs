//! The `NativeClient` class the shim wraps.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use napi::Env;
use napi::bindgen_prelude::{AsyncBlock, AsyncBlockBuilder};
use napi_derive::napi;

use super::config::{LimiterReading, NativeConfig, clock_ms};
use super::convert::{DocumentAnswer, ErrorInfo, KeyAnswer, KeysAnswer, LastFetch, NativeStats};
use super::env_leases::{LeaseSlot, track};
use super::hooks::{JsInterceptor, NativeHooks};
use super::source::key_source;
use super::store::{SharedHandle, SharedStats, shared_source};
use super::threads::{self, Core, Threaded};
use crate::keys::keyset::KidQuery;
use crate::share::threads::Lease;
use crate::state::client::{Client, Lookup};

/// A JWKS client. Methods take the JavaScript clock (`Date.now()`) so that
/// faked timers drive expiry and rate limiting as they do with jwks-rsa.
#[napi]
pub struct NativeClient {
    pub(super) client: Arc<Client>,
    use_node_http: Option<Arc<AtomicBool>>,
    shared: Option<SharedHandle>,
    /// The lease on the process-wide core (`shareAcrossThreads`), used
    /// unless this thread's fetches go through Node's http; empty once the
    /// environment is torn down.
    threads: Option<LeaseSlot>,
}

/// The core's query for a kid as the shim passes it.
pub(super) fn query(kid: Option<String>, matchable: bool) -> KidQuery {
    match (kid, matchable) {
        (None, _) => KidQuery::Absent,
        (Some(kid), true) => KidQuery::Kid(kid),
        (Some(text), false) => KidQuery::Unmatchable(text),
    }
}

#[napi]
impl NativeClient {
    /// A client for normalized options and the shim's wrapped hooks;
    /// `share` is the key of the process-wide core it joins, if any;
    /// `gate_of` the client whose rate limiter and cooldown it draws on
    /// (the clients of one issuer), if not its own.
    #[napi(constructor, catch_unwind)]
    pub fn new(
        env: Env,
        config: NativeConfig,
        hooks: Option<NativeHooks>,
        share: Option<String>,
        gate_of: Option<&NativeClient>,
    ) -> napi::Result<Self> {
        let hooks = hooks.unwrap_or(NativeHooks {
            fetch: None,
            intercept: None,
            node_http: None,
            store: None,
        });
        let chosen = key_source(&config, hooks.fetch, hooks.node_http)
            .map_err(|e| napi::Error::from_reason(e.to_string()))?;
        let use_node_http = chosen.use_node_http;
        let (source, shared) = shared_source(&config, chosen.source, hooks.store)
            .map_err(|e| napi::Error::from_reason(e.to_string()))?;
        let mut client = Client::new(config.client_config(), source);
        if let Some(other) = gate_of {
            client = client.sharing_gate_of(&other.client);
        }
        if let Some(hook) = hooks.intercept {
            client = client.with_interceptor(Arc::new(JsInterceptor::new(hook)));
        }
        let threads = match share {
            Some(key) => Some(track(
                &env,
                threads::join(&key, &config)
                    .map_err(|e| napi::Error::from_reason(e.to_string()))?,
            )?),
            None => None,
        };
        Ok(NativeClient {
            client: Arc::new(client),
            use_node_http,
            shared,
            threads,
        })
    }

    /// The core that answers now: the shared one, unless Node's http is in
    /// use (which only this thread can run).
    pub(super) fn core(&self) -> Core {
        match self.lease() {
            Some(lease) => Core::Shared(lease),
            None => Core::Own(Arc::clone(&self.client)),
        }
    }

    /// The shared core's lease, when it answers now.
    fn lease(&self) -> Option<Lease<Threaded>> {
        let slot = self.threads.as_ref().filter(|_| !self.via_node())?;
        slot.lock().clone()
    }

    /// The `sharedCache` counters of the core that answers now.
    fn store(&self) -> Option<SharedHandle> {
        match self.lease() {
            Some(lease) => lease.store.clone(),
            None => self.shared.clone(),
        }
    }

    fn via_node(&self) -> bool {
        self.use_node_http
            .as_ref()
            .is_some_and(|flag| flag.load(Ordering::Relaxed))
    }

    /// Sends the following fetches through Node's http (`true`) or the
    /// native client (`false`); a no-op for clients without that choice.
    #[napi(catch_unwind)]
    pub fn use_node_http(&self, enabled: bool) {
        if let Some(flag) = &self.use_node_http {
            flag.store(enabled, Ordering::Relaxed);
        }
    }

    /// The cached answer for a kid, or `null` when a fetch is needed.
    /// `matchable` is false for kids that are not strings (`kid` is then
    /// their display text); `kid` is `null` for `undefined`/`null`. `load`
    /// is false when jwks-rsa's memoizer would have answered the lookup.
    #[napi(catch_unwind)]
    pub fn cached(
        &self,
        kid: Option<String>,
        matchable: bool,
        now: f64,
        load: bool,
    ) -> Option<KeyAnswer> {
        let answer = self
            .core()
            .cached(&query(kid, matchable), clock_ms(now), load)?;
        Some(match answer {
            Ok(hit) => KeyAnswer::hit(&hit),
            Err(err) => KeyAnswer::failed(&err),
        })
    }

    /// `getSigningKey(kid)` past the cache. `seen_at` is when the memo last
    /// served the kid; `limiter` carries the rate limiter's clocks when rate
    /// limiting is on.
    ///
    /// Like every async method here, the future owns its core client rather
    /// than borrowing this object, which a worker's exit frees mid-fetch.
    #[napi]
    #[allow(clippy::too_many_arguments)]
    pub fn signing_key(
        &self,
        env: Env,
        kid: Option<String>,
        matchable: bool,
        now: f64,
        load: bool,
        seen_at: Option<f64>,
        limiter: Option<LimiterReading>,
    ) -> napi::Result<AsyncBlock<KeyAnswer>> {
        let now = clock_ms(now);
        let lookup = Lookup {
            now,
            load,
            seen_at: seen_at.map(clock_ms),
            limiter: limiter
                .as_ref()
                .map(LimiterReading::clock)
                .unwrap_or_default(),
            waited: limiter.and_then(|l| l.waited).unwrap_or(false),
        };
        let core = self.core();
        AsyncBlockBuilder::new(async move {
            Ok(
                match core.signing_key(query(kid, matchable), lookup).await {
                    Ok(resolved) => KeyAnswer::resolved(&resolved),
                    Err(err) => KeyAnswer::failed(&err),
                },
            )
        })
        .build(&env)
    }

    /// `getSigningKeys()`.
    #[napi]
    pub fn signing_keys(&self, env: Env, now: f64) -> napi::Result<AsyncBlock<KeysAnswer>> {
        let core = self.core();
        AsyncBlockBuilder::new(async move {
            Ok(match core.signing_keys(clock_ms(now)).await {
                Ok(set) => KeysAnswer {
                    keys: Some(set.keys().iter().map(|k| k.as_ref().into()).collect()),
                    error: None,
                },
                Err(err) => KeysAnswer {
                    keys: None,
                    error: Some(ErrorInfo::from(&err)),
                },
            })
        })
        .build(&env)
    }

    /// `getKeys()`: the body of a fetch, for the shim to parse. With
    /// `limiter` (an issuer's discovery document), the fetch is charged to
    /// the rate limiter as a lookup's is.
    #[napi]
    pub fn document(
        &self,
        env: Env,
        now: f64,
        limiter: Option<LimiterReading>,
    ) -> napi::Result<AsyncBlock<DocumentAnswer>> {
        let core = self.core();
        let charge = limiter.map(|reading| Lookup {
            limiter: reading.clock(),
            waited: reading.waited.unwrap_or(false),
            ..Lookup::at(clock_ms(now))
        });
        AsyncBlockBuilder::new(async move {
            let body = match charge {
                Some(lookup) => core.charged_document(lookup).await,
                None => core.document(clock_ms(now)).await,
            };
            Ok(DocumentAnswer::from(body))
        })
        .build(&env)
    }

    /// The last fetch that produced a body (for `DEBUG=jwks` lines).
    #[napi(catch_unwind)]
    pub fn last_fetch(&self) -> Option<LastFetch> {
        self.core()
            .last_fetch()
            .map(|f| LastFetch::from(f.as_ref()))
    }

    /// Counters since creation.
    #[napi(catch_unwind)]
    pub fn stats(&self) -> NativeStats {
        self.core().stats().into()
    }

    /// The shared store's counters, when the client has one.
    #[napi(catch_unwind)]
    pub fn shared_stats(&self) -> Option<SharedStats> {
        self.store().as_ref().and_then(SharedHandle::stats)
    }

    /// What the shared store did since the last call, for `DEBUG=jwks`.
    #[napi(catch_unwind)]
    pub fn shared_notes(&self) -> Vec<String> {
        self.store()
            .as_ref()
            .map(SharedHandle::notes)
            .unwrap_or_default()
    }
}
