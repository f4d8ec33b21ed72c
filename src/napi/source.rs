//! Choosing where a client's keys come from.

use std::sync::Arc;
#[cfg(feature = "native-http")]
use std::sync::OnceLock;
#[cfg(feature = "native-http")]
use std::sync::atomic::{AtomicBool, Ordering};
#[cfg(feature = "native-http")]
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::BoxFuture;

use napi::Env;

use super::config::NativeConfig;
use super::hooks::{HookFn, HookRef, JsSource, wrap};
use crate::error::Error;
#[cfg(feature = "native-http")]
use crate::http::HttpSource;
#[cfg(feature = "native-http")]
use crate::http::retry::{Retrying, TokioTimer};
#[cfg(feature = "native-http")]
use crate::source::headers::Validators;
#[cfg(feature = "native-http")]
use crate::source::{Attempt, Reply};
use crate::source::{Document, KeySource};

/// Extra time the native deadline leaves Node's http, which enforces the
/// same `timeout` itself and reports it the way Node does.
#[cfg(feature = "native-http")]
const NODE_HTTP_GRACE: Duration = Duration::from_millis(250);

/// A source that always fails the same way (e.g. an invalid `jwksUri`, which
/// jwks-rsa reports on each fetch rather than in the constructor).
pub struct Failing(pub Error);

impl KeySource for Failing {
    fn fetch(&self) -> BoxFuture<'static, Result<Document, Error>> {
        let err = self.0.clone();
        async move { Err(err) }.boxed()
    }
}

#[cfg(feature = "native-http")]
/// Native HTTP, or Node's http when the shim says so: with a `requestAgent`,
/// or while a test library (nock, msw) intercepts Node's http.
pub struct Switch {
    native: Arc<dyn KeySource>,
    /// Node's http, once [`NodeHttp::enable`] has wrapped its hook.
    node: Arc<OnceLock<JsSource>>,
    use_node: Arc<AtomicBool>,
}

#[cfg(feature = "native-http")]
impl Switch {
    fn current(&self) -> &dyn KeySource {
        match self.node.get() {
            Some(node) if self.use_node.load(Ordering::Relaxed) => node,
            _ => self.native.as_ref(),
        }
    }
}

/// The way to Node's http of a client that can take it: its hook, wrapped
/// the first time the shim turns it on.
#[cfg(feature = "native-http")]
pub struct NodeHttp {
    hook: HookRef,
    deadline: Option<Duration>,
    node: Arc<OnceLock<JsSource>>,
    use_node: Arc<AtomicBool>,
}

#[cfg(feature = "native-http")]
impl NodeHttp {
    /// Whether fetches go through Node's http now.
    pub fn enabled(&self) -> bool {
        self.use_node.load(Ordering::Relaxed)
    }

    /// Sends the following fetches through Node's http (`true`) or the
    /// native client (`false`). On the JavaScript thread: the first `true`
    /// wraps the hook.
    ///
    /// # Errors
    /// When the hook cannot be wrapped (the environment is going away).
    pub fn enable(&self, env: &Env, enabled: bool) -> napi::Result<()> {
        if enabled && self.node.get().is_none() {
            let source = JsSource::node_http(wrap(env, &self.hook)?, self.deadline);
            // Only this thread sets it, so it is empty here.
            let _ = self.node.set(source);
        }
        self.use_node.store(enabled, Ordering::Relaxed);
        Ok(())
    }
}

/// Without the native transport there is no choice to make.
#[cfg(not(feature = "native-http"))]
pub struct NodeHttp;

#[cfg(not(feature = "native-http"))]
impl NodeHttp {
    /// Never: every fetch goes through Node's http anyway.
    pub fn enabled(&self) -> bool {
        false
    }

    /// Nothing to switch.
    ///
    /// # Errors
    /// Never.
    pub fn enable(&self, _env: &Env, _enabled: bool) -> napi::Result<()> {
        Ok(())
    }
}

#[cfg(feature = "native-http")]
impl KeySource for Switch {
    fn fetch(&self) -> BoxFuture<'static, Result<Document, Error>> {
        self.current().fetch()
    }

    fn fetch_with(
        &self,
        validators: Option<&Validators>,
    ) -> BoxFuture<'static, Result<Reply, Error>> {
        self.current().fetch_with(validators)
    }

    fn attempt(&self, validators: Option<&Validators>, plain: bool) -> BoxFuture<'static, Attempt> {
        self.current().attempt(validators, plain)
    }
}

/// Where a client's keys come from, and the switch to Node's http if it has one.
pub struct ChosenSource {
    /// The source.
    pub source: Arc<dyn KeySource>,
    /// Sends fetches through Node's http instead of the native client.
    pub node_http: Option<NodeHttp>,
}

impl ChosenSource {
    fn only(source: Arc<dyn KeySource>) -> Self {
        ChosenSource {
            source,
            node_http: None,
        }
    }
}

/// The source for a client: its `fetcher`, or HTTP to `jwksUri`.
///
/// # Errors
/// `ArgumentError` for unusable TLS or proxy settings.
pub fn key_source(
    config: &NativeConfig,
    fetcher: Option<HookFn>,
    node_http: Option<(HookRef, &Env)>,
) -> Result<ChosenSource, Error> {
    match fetcher {
        Some(hook) => Ok(ChosenSource::only(Arc::new(JsSource::new(
            hook,
            Some(config.deadline()),
        )))),
        None => http_source(config, node_http),
    }
}

/// Native HTTP, switchable to Node's http; with `retry`, either retried.
#[cfg(feature = "native-http")]
fn http_source(
    config: &NativeConfig,
    node_http: Option<(HookRef, &Env)>,
) -> Result<ChosenSource, Error> {
    let Some(settings) = config.http_settings()? else {
        return Ok(ChosenSource::only(Arc::new(Failing(Error::invalid_uri()))));
    };
    let native: Arc<dyn KeySource> = Arc::new(HttpSource::new(settings));
    let retried = |source: Arc<dyn KeySource>| -> Arc<dyn KeySource> {
        match config.retry_policy() {
            Some(policy) => Arc::new(Retrying::new(
                source,
                policy,
                config.deadline(),
                Arc::new(TokioTimer::default()),
            )),
            None => source,
        }
    };
    let Some((hook, _)) = node_http else {
        return Ok(ChosenSource::only(retried(native)));
    };
    let use_node = Arc::new(AtomicBool::new(false));
    let node = Arc::new(OnceLock::new());
    let switch = Switch {
        native,
        node: Arc::clone(&node),
        use_node: Arc::clone(&use_node),
    };
    Ok(ChosenSource {
        source: retried(Arc::new(switch)),
        node_http: Some(NodeHttp {
            hook,
            deadline: Some(config.deadline() + NODE_HTTP_GRACE),
            node,
            use_node,
        }),
    })
}

/// Without the native transport every fetch goes through Node's http, which
/// enforces `timeout` (as the shim does for a `fetcher`) and applies `ca`,
/// `cert`, `key` and the proxy itself. No fetch is retried (`retry`): this
/// build has no timer on the Rust side.
#[cfg(not(feature = "native-http"))]
fn http_source(
    config: &NativeConfig,
    node_http: Option<(HookRef, &Env)>,
) -> Result<ChosenSource, Error> {
    let (Some(uri), Some((hook, env))) = (&config.uri, node_http) else {
        return Ok(ChosenSource::only(Arc::new(Failing(Error::invalid_uri()))));
    };
    if uri.https {
        config.check_identity()?;
    }
    // Every fetch goes through it: wrapped at once.
    let hook = wrap(env, &hook).map_err(|e| Error::unavailable(e.reason.clone()))?;
    Ok(ChosenSource::only(Arc::new(JsSource::node_http(
        hook, None,
    ))))
}
