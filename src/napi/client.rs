//! The `NativeClient` class the shim wraps.

use std::sync::Arc;

use napi::Env;
use napi::bindgen_prelude::{AsyncBlock, AsyncBlockBuilder, Either};
use napi_derive::napi;

use super::config::{NativeConfig, clock_ms};
use super::convert::{DocumentAnswer, FetchEvent, KeyAnswer, KeysAnswer};
use super::env_leases::{LeaseSlot, track};
use super::hooks::{JsInterceptor, NativeHooks};
use super::requests::{AlgFit, FetchRequest, LookupRequest};
use super::source::{NodeHttp, key_source};
use super::store::{SharedHandle, shared_source};
use super::threads::{self, Core, Threaded};
use crate::keys::keyset::KidQuery;
use crate::share::threads::Lease;
use crate::state::client::{Client, Resolved};

/// A JWKS client. Methods take the JavaScript clock (`Date.now()`) so that
/// faked timers drive expiry and rate limiting as they do with jwks-rsa.
#[napi]
pub struct NativeClient {
    pub(super) client: Arc<Client>,
    node_http: Option<NodeHttp>,
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
        let node_hook = hooks.node_http.map(|hook| (hook, &env));
        let chosen = key_source(&config, hooks.fetch, node_hook)
            .map_err(|e| napi::Error::from_reason(e.to_string()))?;
        let node_http = chosen.node_http;
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
            node_http,
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
    pub(super) fn store(&self) -> Option<SharedHandle> {
        match self.lease() {
            Some(lease) => lease.store.clone(),
            None => self.shared.clone(),
        }
    }

    fn via_node(&self) -> bool {
        self.node_http.as_ref().is_some_and(NodeHttp::enabled)
    }

    /// Sends the following fetches through Node's http (`true`) or the
    /// native client (`false`); a no-op for clients without that choice.
    #[napi(catch_unwind)]
    pub fn use_node_http(&self, env: Env, enabled: bool) -> napi::Result<()> {
        match &self.node_http {
            Some(node_http) => node_http.enable(&env, enabled),
            None => Ok(()),
        }
    }

    /// `getSigningKey(kid)` past the memo: the cache's answer at once, or a
    /// promise of the answer after a fetch (joined or started). Either way
    /// the answer carries everything the shim needs: the key and until when
    /// to reuse it, the stale flag, a rate-limit wait, and what to publish.
    ///
    /// Like every async method here, the future owns its core client rather
    /// than borrowing this object, which a worker's exit frees mid-fetch.
    #[napi(ts_return_type = "KeyAnswer | Promise<KeyAnswer>")]
    pub fn lookup(
        &self,
        env: Env,
        request: LookupRequest,
    ) -> napi::Result<Either<KeyAnswer, AsyncBlock<KeyAnswer>>> {
        let lookup = request.lookup();
        let watch = request.watch.unwrap_or(false);
        let query = query(request.kid, request.matchable);
        let fit = AlgFit::of(request.alg, &query);
        let core = self.core();
        if let Some(answer) = core.cached(&query, lookup.now, lookup.load) {
            let mut answer = match answer.and_then(|hit| AlgFit::apply(fit.as_ref(), hit, &core)) {
                Ok(hit) => KeyAnswer::hit(&hit),
                Err(err) => KeyAnswer::failed(&err),
            };
            answer.refresh_from = core.refresh_ahead_from().map(|t| t as f64);
            return Ok(Either::A(answer));
        }
        let block = AsyncBlockBuilder::new(async move {
            let fitted = core.signing_key(query, lookup).await.and_then(|resolved| {
                let hit = AlgFit::apply(fit.as_ref(), resolved.hit, &core)?;
                Ok(Resolved { hit, ..resolved })
            });
            let mut answer = match fitted {
                Ok(resolved) => KeyAnswer::resolved(&resolved),
                Err(err) => KeyAnswer::failed(&err),
            };
            answer.refresh_from = core.refresh_ahead_from().map(|t| t as f64);
            answer.event = watch.then(|| FetchEvent::of(&core));
            Ok(answer)
        })
        .build(&env)?;
        Ok(Either::B(block))
    }

    /// `getSigningKeys()`; with `cached`, `cachedSigningKeys()`: the set
    /// in use at once, without a fetch.
    #[napi(ts_return_type = "KeysAnswer | Promise<KeysAnswer>")]
    pub fn signing_keys(
        &self,
        env: Env,
        request: FetchRequest,
    ) -> napi::Result<Either<KeysAnswer, AsyncBlock<KeysAnswer>>> {
        let core = self.core();
        if let Some(known) = request.cached {
            // A revision is a count: exact in a double far beyond any client's life.
            let known = (known >= 0.0).then_some(known as u64);
            return Ok(Either::A(KeysAnswer::cached(&core.cached_keys(known))));
        }
        let block = AsyncBlockBuilder::new(async move {
            let mut answer = match core.signing_keys(clock_ms(request.now)).await {
                Ok(set) => KeysAnswer::of(&set),
                Err(err) => KeysAnswer::failed(&err),
            };
            answer.event = request
                .watch
                .unwrap_or(false)
                .then(|| FetchEvent::of(&core));
            Ok(answer)
        })
        .build(&env)?;
        Ok(Either::B(block))
    }

    /// `client.forget(kid)`: `all` forgets every kid (`kid` is then
    /// ignored); `null` is the kid of a lookup without one. Both this
    /// thread's core and the shared one (`shareAcrossThreads`) forget.
    #[napi(catch_unwind)]
    pub fn forget(&self, all: bool, kid: Option<String>) {
        let query = (!all).then(|| query(kid, true));
        self.client.forget(query.as_ref());
        let shared = self.threads.as_ref().and_then(|slot| slot.lock().clone());
        if let Some(lease) = shared {
            lease.client.forget(query.as_ref());
        }
    }

    /// `getKeys()`: the body of a fetch, for the shim to parse. With
    /// `limiter` (an issuer's discovery document asked for by an unknown
    /// kid), the fetch is charged to the rate limiter as a lookup's is.
    #[napi]
    pub fn document(
        &self,
        env: Env,
        request: FetchRequest,
    ) -> napi::Result<AsyncBlock<DocumentAnswer>> {
        let core = self.core();
        let charged = request.limiter.is_some();
        let lookup = request.lookup();
        AsyncBlockBuilder::new(async move {
            let body = if charged {
                core.charged_document(lookup).await
            } else {
                core.document(lookup.now).await
            };
            let mut answer = DocumentAnswer::from(body);
            answer.event = request
                .watch
                .unwrap_or(false)
                .then(|| FetchEvent::of(&core));
            Ok(answer)
        })
        .build(&env)
    }
}
