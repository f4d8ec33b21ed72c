//! Key sources backed by JavaScript functions: a `fetcher`, Node's own http
//! (for a `requestAgent`), and `getKeysInterceptor`.
//!
//! The shim wraps each user function so that it never throws across the
//! boundary: it resolves with the body, or with the handle under which it
//! keeps the value that was thrown, which the shim rethrows unchanged.

use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use napi::bindgen_prelude::{FunctionRef, Promise};
use napi::threadsafe_function::ThreadsafeFunction;
use napi::{Env, Status};
use napi_derive::napi;

use super::reply::{ReplyHeaders, conditional_arg, reply_of};
use crate::error::Error;
use crate::source::headers::Validators;
use crate::source::{Attempt, Document, FailureHint, Interceptor, KeySource, Reply};

/// What a wrapped hook resolves with.
#[napi(object)]
pub struct HookResult {
    /// The JSON text produced by the hook.
    pub body: Option<String>,
    /// Set when the hook failed: the shim holds the thrown value under it.
    pub handle: Option<f64>,
    /// Node's http only, with the freshness options: `304 Not Modified`.
    pub not_modified: Option<bool>,
    /// Node's http only, with the freshness options: the caching headers.
    pub headers: Option<ReplyHeaders>,
    /// Node's http only, when it failed: the status of a non-2xx answer.
    pub status: Option<u32>,
    /// Node's http only: the `Retry-After` of that answer.
    pub retry_after: Option<String>,
    /// Node's http only: the `code` of the error it raised.
    pub code: Option<String>,
}

/// A wrapped hook. Weak, so it never keeps the process alive by itself.
pub type HookFn = ThreadsafeFunction<String, Promise<HookResult>, String, Status, false, true>;

/// A hook not wrapped yet. A wrapped hook is a libuv handle for as long as
/// its client lives, and libuv looks through every such handle each time
/// any of them is signalled (each fetch's answer is); the hook only some
/// clients ever call (Node's http) is wrapped when first used.
pub type HookRef = FunctionRef<String, Promise<HookResult>>;

/// Wraps `hook`, on the JavaScript thread, for calls from any thread.
pub fn wrap(env: &Env, hook: &HookRef) -> napi::Result<HookFn> {
    hook.borrow_back(env)?
        .build_threadsafe_function::<String>()
        .weak::<true>()
        .build()
}

/// The JavaScript hooks of a client.
#[napi(object, object_to_js = false)]
pub struct NativeHooks {
    /// Replaces the HTTP fetch: resolves with the JWKS document as JSON text.
    #[napi(ts_type = "(uri: string) => Promise<HookResult>")]
    pub fetch: Option<HookFn>,
    /// `getKeysInterceptor`: resolves with the JSON text of a keys array.
    #[napi(ts_type = "(uri: string) => Promise<HookResult>")]
    pub intercept: Option<HookFn>,
    /// A fetch through Node's http/https, used when `useNodeHttp(true)`.
    #[napi(ts_type = "(uri: string) => Promise<HookResult>")]
    pub node_http: Option<HookRef>,
    /// `sharedCache.store`, wrapped: one operation per call.
    #[napi(ts_type = "(request: StoreRequest) => Promise<StoreReply>")]
    pub store: Option<super::store::StoreFn>,
}

async fn call(hook: &HookFn, arg: String, endpoint_unavailable: bool) -> Result<HookResult, Error> {
    call_hinted(hook, arg, endpoint_unavailable)
        .await
        .map_err(|(err, _)| err)
}

/// [`call`], with what a failure of Node's http told beyond its error.
async fn call_hinted(
    hook: &HookFn,
    arg: String,
    endpoint_unavailable: bool,
) -> Result<HookResult, (Error, FailureHint)> {
    let broken = |e: napi::Error| {
        let err = Error::JwksError {
            message: format!("A JavaScript hook failed: {}", e.reason),
            endpoint_unavailable,
        };
        (err, FailureHint::default())
    };
    let promise = hook.call_async_catch(arg).await.map_err(broken)?;
    let result = promise.await.map_err(broken)?;
    match result.handle {
        Some(handle) => Err((
            Error::HookError {
                handle: handle as u64,
                endpoint_unavailable,
            },
            FailureHint {
                status: result.status.and_then(|s| u16::try_from(s).ok()),
                retry_after: result.retry_after,
                code: result.code,
            },
        )),
        None => Ok(result),
    }
}

/// A `fetcher`-style source, with the client's `timeout` as its deadline.
pub struct JsSource {
    hook: Arc<HookFn>,
    deadline: Option<Duration>,
    /// Node's http, which sends validators and reports caching headers.
    http: bool,
}

impl JsSource {
    /// A source calling `hook` (a `fetcher`).
    pub fn new(hook: HookFn, deadline: Option<Duration>) -> Self {
        JsSource {
            hook: Arc::new(hook),
            deadline,
            http: false,
        }
    }

    /// A source calling `hook`, a fetch through Node's http.
    pub fn node_http(hook: HookFn, deadline: Option<Duration>) -> Self {
        JsSource {
            http: true,
            ..JsSource::new(hook, deadline)
        }
    }
}

impl KeySource for JsSource {
    fn fetch(&self) -> BoxFuture<'static, Result<Document, Error>> {
        let hook = Arc::clone(&self.hook);
        let deadline = self.deadline;
        async move {
            let result = within(deadline, call(&hook, String::new(), true)).await?;
            Ok(Document {
                body: Arc::from(result.body.unwrap_or_default()),
                fetched_at: None,
            })
        }
        .boxed()
    }

    fn fetch_with(
        &self,
        validators: Option<&Validators>,
    ) -> BoxFuture<'static, Result<Reply, Error>> {
        if !self.http {
            let fetch = self.fetch();
            return async move { fetch.await.map(Reply::body) }.boxed();
        }
        let hook = Arc::clone(&self.hook);
        let deadline = self.deadline;
        let arg = conditional_arg(validators);
        async move { Ok(reply_of(within(deadline, call(&hook, arg, true)).await?)) }.boxed()
    }

    fn attempt(&self, validators: Option<&Validators>, plain: bool) -> BoxFuture<'static, Attempt> {
        if !self.http {
            let fetch = self.fetch();
            return async move { (fetch.await.map(Reply::body), FailureHint::default()) }.boxed();
        }
        let hook = Arc::clone(&self.hook);
        let deadline = self.deadline;
        // Without the freshness options the fetch resolves with the body alone.
        let arg = if plain {
            String::new()
        } else {
            conditional_arg(validators)
        };
        async move {
            let hinted = async { Ok(call_hinted(&hook, arg, true).await) };
            match within(deadline, hinted).await {
                Ok(Ok(result)) => (Ok(reply_of(result)), FailureHint::default()),
                Ok(Err((err, hint))) => (Err(err), hint),
                Err(err) => (Err(err), FailureHint::default()),
            }
        }
        .boxed()
    }
}

/// `call`, failed as unavailable when it outlasts `deadline`.
#[cfg(feature = "native-http")]
async fn within<T>(
    deadline: Option<Duration>,
    call: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    match deadline {
        Some(limit) => tokio::time::timeout(limit, call).await.unwrap_or_else(|_| {
            Err(Error::unavailable(format!(
                "The JWKS fetch did not complete within the timeout of {} ms",
                limit.as_millis()
            )))
        }),
        None => call.await,
    }
}

/// Without tokio's timer (the WebAssembly build, where a pending timer holds
/// up wake-ups) the shim enforces the deadline on the JavaScript side.
#[cfg(not(feature = "native-http"))]
async fn within<T>(
    _deadline: Option<Duration>,
    call: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    call.await
}

/// `getKeysInterceptor`.
pub struct JsInterceptor {
    hook: Arc<HookFn>,
}

impl JsInterceptor {
    /// An interceptor calling `hook`.
    pub fn new(hook: HookFn) -> Self {
        JsInterceptor {
            hook: Arc::new(hook),
        }
    }
}

impl Interceptor for JsInterceptor {
    fn keys(&self) -> BoxFuture<'static, Result<Option<Arc<str>>, Error>> {
        let hook = Arc::clone(&self.hook);
        async move { Ok(call(&hook, String::new(), false).await?.body.map(Arc::from)) }.boxed()
    }
}
