//! Choosing where a client's keys come from.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
#[cfg(feature = "native-http")]
use std::sync::atomic::Ordering;
#[cfg(feature = "native-http")]
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::BoxFuture;

use super::config::NativeConfig;
use super::hooks::{HookFn, JsSource};
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
    node: JsSource,
    use_node: Arc<AtomicBool>,
}

#[cfg(feature = "native-http")]
impl Switch {
    fn current(&self) -> &dyn KeySource {
        if self.use_node.load(Ordering::Relaxed) {
            &self.node
        } else {
            self.native.as_ref()
        }
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
    /// Set to send fetches through Node's http instead of the native client.
    pub use_node_http: Option<Arc<AtomicBool>>,
}

impl ChosenSource {
    fn only(source: Arc<dyn KeySource>) -> Self {
        ChosenSource {
            source,
            use_node_http: None,
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
    node_http: Option<HookFn>,
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
fn http_source(config: &NativeConfig, node_http: Option<HookFn>) -> Result<ChosenSource, Error> {
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
    let Some(hook) = node_http else {
        return Ok(ChosenSource::only(retried(native)));
    };
    let use_node = Arc::new(AtomicBool::new(false));
    let deadline = Some(config.deadline() + NODE_HTTP_GRACE);
    let switch = Switch {
        native,
        node: JsSource::node_http(hook, deadline),
        use_node: Arc::clone(&use_node),
    };
    Ok(ChosenSource {
        source: retried(Arc::new(switch)),
        use_node_http: Some(use_node),
    })
}

/// Without the native transport every fetch goes through Node's http, which
/// enforces `timeout` (as the shim does for a `fetcher`) and applies `ca`,
/// `cert`, `key` and the proxy itself. No fetch is retried (`retry`): this
/// build has no timer on the Rust side.
#[cfg(not(feature = "native-http"))]
fn http_source(config: &NativeConfig, node_http: Option<HookFn>) -> Result<ChosenSource, Error> {
    let (Some(uri), Some(hook)) = (&config.uri, node_http) else {
        return Ok(ChosenSource::only(Arc::new(Failing(Error::invalid_uri()))));
    };
    if uri.https {
        config.check_identity()?;
    }
    Ok(ChosenSource::only(Arc::new(JsSource::node_http(
        hook, None,
    ))))
}
