//! `sharedCache`: the store a client's fetches consult first, natively on
//! Redis or through a JavaScript object with async `get`/`set`/`lock`/`unlock`
//! (and `subscribe`/`publish`).
//!
//! The shim wraps the user's store in one function that never throws: it
//! resolves with the answer of an operation, or with the failure in words.

use napi::Status;
use napi::bindgen_prelude::{Buffer, Promise};
use napi::threadsafe_function::ThreadsafeFunction;
use napi_derive::napi;
#[cfg(not(feature = "native-http"))]
use {super::config::NativeConfig, crate::error::Error, crate::source::KeySource, std::sync::Arc};

/// `sharedCache.redis`, parsed by the shim with WHATWG URL rules.
#[napi(object)]
pub struct RedisParts {
    /// `rediss:`.
    pub tls: bool,
    pub host: String,
    pub port: u32,
    pub db: u32,
    pub username: Option<String>,
    pub password: Option<String>,
}

/// `sharedCache`, as normalized by the shim.
#[napi(object)]
pub struct SharedCacheParts {
    /// Where Redis is, when the store is Redis.
    pub redis: Option<RedisParts>,
    /// Key of the stored set.
    pub key: String,
    /// Key of the refresh lock.
    pub lock_key: String,
    /// Bound of each store operation, in milliseconds.
    pub command_timeout: f64,
    /// Key of the HMAC over each record.
    pub secret: Option<Buffer>,
}

/// One operation on a JavaScript store.
#[napi(object)]
pub struct StoreRequest {
    /// `get`, `set`, `lock`, `unlock`, `publish`, `subscribe` or `next`.
    pub op: String,
    pub key: String,
    pub value: Option<String>,
    pub token: Option<String>,
    pub ttl_ms: Option<f64>,
}

/// What a JavaScript store answered.
#[napi(object)]
pub struct StoreReply {
    /// The value read by `get`.
    pub value: Option<String>,
    /// Whether `lock` took the lock.
    pub locked: Option<bool>,
    /// The store's failure, in words.
    pub error: Option<String>,
}

/// The wrapped JavaScript store. Weak: it never keeps the process alive.
pub type StoreFn =
    ThreadsafeFunction<StoreRequest, Promise<StoreReply>, StoreRequest, Status, false, true>;

/// What a client's shared store reports for `stats()`.
#[napi(object)]
pub struct SharedStats {
    pub shared_hits: f64,
    pub shared_writes: f64,
    pub shared_waits: f64,
    pub shared_takeovers: f64,
    pub shared_wakeups: f64,
    pub shared_errors: f64,
    pub shared_rejected: f64,
}

#[cfg(feature = "native-http")]
pub use native::{SharedHandle, shared_source};

#[cfg(not(feature = "native-http"))]
/// Without the native transport there is no shared store (no tokio timer).
#[derive(Clone)]
pub struct SharedHandle;

#[cfg(not(feature = "native-http"))]
impl SharedHandle {
    /// Never called: no client of this build has a shared store.
    pub fn stats(&self) -> Option<SharedStats> {
        None
    }

    /// Likewise.
    pub fn notes(&self) -> Vec<String> {
        Vec::new()
    }
}

#[cfg(not(feature = "native-http"))]
/// The WebAssembly build refuses `sharedCache` rather than ignore it.
///
/// # Errors
/// `ArgumentError` whenever `sharedCache` is set.
pub fn shared_source(
    config: &NativeConfig,
    source: Arc<dyn KeySource>,
    _store: Option<StoreFn>,
) -> Result<(Arc<dyn KeySource>, Option<SharedHandle>), Error> {
    match config.shared_cache {
        Some(_) => Err(Error::ArgumentError {
            message: "sharedCache is not available in the WebAssembly build".to_owned(),
            endpoint_unavailable: false,
        }),
        None => Ok((source, None)),
    }
}

#[cfg(feature = "native-http")]
mod native {
    use std::sync::Arc;
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    use futures_util::FutureExt;
    use futures_util::future::BoxFuture;

    use super::{RedisParts, SharedStats, StoreFn, StoreReply, StoreRequest};
    use crate::Millis;
    use crate::error::Error;
    use crate::napi::config::NativeConfig;
    use crate::napi::tls_roots::client_tls;
    use crate::share::redis::{RedisAddress, RedisStore};
    use crate::share::store::{
        Clock, SharedConfig, SharedCounters, SharedSource, SharedStore, StoreError, Wakeup,
    };
    use crate::source::KeySource;
    use crate::state::option_rule::DEFAULT_CACHE_MAX_AGE_MS;

    /// The system clock and tokio's timer.
    struct SystemClock;

    impl Clock for SystemClock {
        fn now(&self) -> Millis {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        }
        fn sleep(&self, ms: Millis) -> BoxFuture<'static, ()> {
            tokio::time::sleep(Duration::from_millis(ms)).boxed()
        }
    }

    /// A store implemented in JavaScript.
    struct JsStore(Arc<StoreFn>);

    impl JsStore {
        fn call(
            &self,
            request: StoreRequest,
        ) -> BoxFuture<'static, Result<StoreReply, StoreError>> {
            let hook = Arc::clone(&self.0);
            async move {
                let broken = |e: napi::Error| StoreError(format!("store: {}", e.reason));
                let reply = hook.call_async_catch(request).await.map_err(broken)?;
                let reply = reply.await.map_err(broken)?;
                match reply.error {
                    Some(reason) => Err(StoreError(format!("store: {reason}"))),
                    None => Ok(reply),
                }
            }
            .boxed()
        }
    }

    fn request(op: &str, key: String) -> StoreRequest {
        StoreRequest {
            op: op.to_owned(),
            key,
            value: None,
            token: None,
            ttl_ms: None,
        }
    }

    impl SharedStore for JsStore {
        fn get(&self, key: String) -> BoxFuture<'static, Result<Option<String>, StoreError>> {
            self.call(request("get", key))
                .map(|reply| reply.map(|r| r.value))
                .boxed()
        }
        fn set(
            &self,
            key: String,
            value: String,
            ttl: Millis,
        ) -> BoxFuture<'static, Result<(), StoreError>> {
            let mut set = request("set", key);
            set.value = Some(value);
            set.ttl_ms = Some(ttl as f64);
            self.call(set).map(|reply| reply.map(drop)).boxed()
        }
        fn lock(
            &self,
            key: String,
            token: String,
            ttl: Millis,
        ) -> BoxFuture<'static, Result<bool, StoreError>> {
            let mut lock = request("lock", key);
            lock.token = Some(token);
            lock.ttl_ms = Some(ttl as f64);
            self.call(lock)
                .map(|reply| reply.map(|r| r.locked.unwrap_or(true)))
                .boxed()
        }
        fn unlock(&self, key: String, token: String) -> BoxFuture<'static, Result<(), StoreError>> {
            let mut unlock = request("unlock", key);
            unlock.token = Some(token);
            self.call(unlock).map(|reply| reply.map(drop)).boxed()
        }
        fn publish(
            &self,
            channel: String,
            message: String,
        ) -> BoxFuture<'static, Result<(), StoreError>> {
            let mut publish = request("publish", channel);
            publish.value = Some(message);
            self.call(publish).map(|reply| reply.map(drop)).boxed()
        }
        /// The shim answers with a slot once listening (none when the store
        /// has no `subscribe`); the slot's message is asked for when awaited.
        fn subscribe(
            &self,
            channel: String,
        ) -> BoxFuture<'static, Result<Option<Wakeup>, StoreError>> {
            let store = JsStore(Arc::clone(&self.0));
            let subscribed = self.call(request("subscribe", channel.clone()));
            async move {
                let Some(slot) = subscribed.await?.value else {
                    return Ok(None);
                };
                let mut next = request("next", channel);
                next.token = Some(slot);
                let message = store.call(next);
                let wakeup: Wakeup = async move {
                    message
                        .await
                        .ok()
                        .and_then(|reply| reply.value)
                        .unwrap_or_default()
                }
                .boxed();
                Ok(Some(wakeup))
            }
            .boxed()
        }
    }

    /// A client's view of its shared store: counters and notes.
    #[derive(Clone)]
    pub struct SharedHandle(Arc<SharedCounters>);

    impl SharedHandle {
        /// The counters, for `stats()`.
        pub fn stats(&self) -> Option<SharedStats> {
            let c = &self.0;
            let read = |counter| SharedCounters::read(counter) as f64;
            Some(SharedStats {
                shared_hits: read(&c.hits),
                shared_writes: read(&c.writes),
                shared_waits: read(&c.waits),
                shared_takeovers: read(&c.takeovers),
                shared_wakeups: read(&c.wakeups),
                shared_errors: read(&c.errors),
                shared_rejected: read(&c.rejected),
            })
        }

        /// What happened since the last call, for `DEBUG=jwks`.
        pub fn notes(&self) -> Vec<String> {
            self.0.take_notes()
        }
    }

    /// `source`, behind the shared store of `config` when it has one.
    ///
    /// # Errors
    /// `ArgumentError` for an unusable Redis URL or a missing store.
    pub fn shared_source(
        config: &NativeConfig,
        source: Arc<dyn KeySource>,
        store: Option<StoreFn>,
    ) -> Result<(Arc<dyn KeySource>, Option<SharedHandle>), Error> {
        let Some(parts) = &config.shared_cache else {
            return Ok((source, None));
        };
        let command_timeout = parts.command_timeout as Millis;
        let store: Arc<dyn SharedStore> = match (&parts.redis, store) {
            (Some(redis), _) => {
                // `rediss://` trusts what the client's own fetches trust by default.
                let tls = if redis.tls {
                    Some(client_tls(None, None, None)?)
                } else {
                    None
                };
                Arc::new(RedisStore::open(
                    redis_address(redis)?,
                    tls,
                    command_timeout,
                ))
            }
            (None, Some(hook)) => Arc::new(JsStore(Arc::new(hook))),
            (None, None) => return Err(invalid("sharedCache needs `redis` or `store`".to_owned())),
        };
        let client = config.client_config();
        let shared = SharedSource::new(
            source,
            store,
            Arc::new(SystemClock),
            SharedConfig {
                key: parts.key.clone(),
                lock_key: parts.lock_key.clone(),
                // A stored set is usable as long as the client's own: the
                // default cacheMaxAge when those never expire.
                max_age: client
                    .cache
                    .and_then(|cache| cache.max_age)
                    .unwrap_or(DEFAULT_CACHE_MAX_AGE_MS),
                wait: config.deadline().as_millis().try_into().unwrap_or(u64::MAX),
                command_timeout,
                max_bytes: config.max_response_bytes(),
                secret: parts.secret.as_ref().map(|s| s.to_vec()),
                key_types: client.key_types,
            },
        );
        let handle = SharedHandle(shared.counters());
        Ok((Arc::new(shared), Some(handle)))
    }

    fn redis_address(redis: &RedisParts) -> Result<RedisAddress, Error> {
        let port = u16::try_from(redis.port)
            .map_err(|_| invalid("Invalid sharedCache.redis port".to_owned()))?;
        Ok(RedisAddress {
            tls: redis.tls,
            host: redis.host.clone(),
            port,
            db: redis.db,
            username: redis.username.clone(),
            password: redis.password.clone(),
        })
    }

    fn invalid(message: String) -> Error {
        Error::ArgumentError {
            message,
            endpoint_unavailable: false,
        }
    }
}
