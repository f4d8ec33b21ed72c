//! The native HTTP key source: one HTTP/1.1 GET per fetch, with exactly the
//! headers the user configured (plus `Host`), a whole-request deadline and a
//! cap on the response size.
//!
//! Built on hyper's connection API rather than a full client so that no
//! default header (`Accept`, `User-Agent`, ...) is ever added and so that
//! redirects are not followed, as with Node's `http.request`.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use http_body_util::{BodyExt, Empty};
use hyper::Request;
use hyper::header::{
    CONNECTION, CONTENT_LENGTH, HOST, HeaderName, HeaderValue, PROXY_AUTHORIZATION, RETRY_AFTER,
};
use hyper_util::rt::TokioIo;
use rustls::ClientConfig;

use crate::error::Error;
use crate::http::failure;
use crate::http::head_limit;
use crate::http::header_map;
use crate::http::net::{self, Io};
use crate::http::proxy::{self, Proxy};
use crate::source::headers::Validators;
use crate::source::{Attempt, Document, FailureHint, KeySource, Reply, Response};

/// Where to send the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// `https:` rather than `http:`.
    pub https: bool,
    /// Host name or IP literal, without IPv6 brackets.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// Path and query, as sent in the request line.
    pub path: String,
    /// Value of the `Host` header.
    pub host_header: String,
}

/// Everything one HTTP fetch needs.
#[derive(Clone)]
pub struct HttpSettings {
    /// The endpoint.
    pub target: Target,
    /// `requestHeaders`, in the order given.
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// `timeout`: deadline for the whole request; `None` waits forever.
    pub timeout: Option<Duration>,
    /// Largest body accepted, in bytes.
    pub max_response_bytes: usize,
    /// Node's `--max-http-header-size`: a response head counting this many
    /// bytes fails (see [`head_limit`](crate::http::head_limit)).
    pub max_header_size: usize,
    /// TLS settings for `https:` targets.
    pub tls: Option<Arc<ClientConfig>>,
    /// Forward proxy, from the `proxy` option or the environment.
    pub proxy: Option<Proxy>,
}

/// Fetches the JWKS over HTTP(S).
pub struct HttpSource {
    settings: Arc<HttpSettings>,
}

impl HttpSource {
    /// A source for these settings.
    pub fn new(settings: HttpSettings) -> Self {
        HttpSource {
            settings: Arc::new(settings),
        }
    }
}

impl KeySource for HttpSource {
    fn fetch(&self) -> BoxFuture<'static, Result<Document, Error>> {
        let reply = self.fetch_with(None);
        async move { reply.await?.into_document() }.boxed()
    }

    fn fetch_with(
        &self,
        validators: Option<&Validators>,
    ) -> BoxFuture<'static, Result<Reply, Error>> {
        let attempt = self.attempt(validators, false);
        async move { attempt.await.0 }.boxed()
    }

    fn attempt(
        &self,
        validators: Option<&Validators>,
        _plain: bool,
    ) -> BoxFuture<'static, Attempt> {
        let settings = Arc::clone(&self.settings);
        let validators = validators.cloned();
        async move {
            let mut hint = FailureHint::default();
            let fetch = fetch_once(&settings, validators.as_ref(), &mut hint);
            let result = match settings.timeout {
                Some(limit) => tokio::time::timeout(limit, fetch)
                    .await
                    .unwrap_or_else(|_| Err(failure::hang_up())),
                None => fetch.await,
            };
            (result, hint)
        }
        .boxed()
    }
}

async fn open(settings: &HttpSettings) -> Result<Box<dyn Io>, Error> {
    let target = &settings.target;
    let tcp = match (&settings.proxy, target.https) {
        (Some(proxy), true) => proxy::tunnel(proxy, &target.host, target.port).await?,
        (Some(proxy), false) => net::connect_tcp(&proxy.host, proxy.port).await?,
        (None, _) => net::connect_tcp(&target.host, target.port).await?,
    };
    if !target.https {
        return Ok(Box::new(tcp));
    }
    let tls = settings
        .tls
        .as_ref()
        .ok_or_else(|| Error::unavailable("No TLS configuration for an https: endpoint"))?;
    net::start_tls(tcp, &target.host, tls).await
}

fn request(settings: &HttpSettings) -> Result<Request<Empty<Bytes>>, Error> {
    let target = &settings.target;
    // Through a proxy, a plain-HTTP request names the whole URL.
    let forward = settings.proxy.as_ref().filter(|_| !target.https);
    let uri = match forward {
        Some(_) => format!(
            "http://{}{}",
            proxy::authority(&target.host, target.port),
            target.path
        ),
        None => target.path.clone(),
    };
    let mut request = Request::get(uri)
        .body(Empty::new())
        .map_err(|_| Error::invalid_uri())?;
    let headers = request.headers_mut();
    if let Some(auth) = forward.and_then(|p| p.authorization.as_deref()) {
        let value = HeaderValue::from_str(auth).map_err(|_| Error::invalid_uri())?;
        headers.insert(PROXY_AUTHORIZATION, value);
    }
    for (name, value) in &settings.headers {
        headers.append(name.clone(), value.clone());
    }
    if !headers.contains_key(HOST) {
        let host = HeaderValue::from_str(&settings.target.host_header)
            .map_err(|_| Error::invalid_uri())?;
        headers.insert(HOST, host);
    }
    // What Node's default agent sends, so the endpoint sees the same request.
    if !headers.contains_key(CONNECTION) {
        headers.insert(CONNECTION, HeaderValue::from_static("keep-alive"));
    }
    Ok(request)
}

/// One request; a non-2xx answer leaves its status and `Retry-After` in `hint`.
async fn fetch_once(
    settings: &HttpSettings,
    validators: Option<&Validators>,
    hint: &mut FailureHint,
) -> Result<Reply, Error> {
    let io = open(settings).await?;
    // Title case, as Node writes header names (`Host`, not `host`).
    let limit = settings.max_header_size;
    let (mut sender, connection) = hyper::client::conn::http1::Builder::new()
        .title_case_headers(true)
        .max_header_size(head_limit::hyper_head_cap(limit))
        .max_buf_size(head_limit::hyper_buffer(limit))
        .handshake(TokioIo::new(io))
        .await
        .map_err(|e| hyper_failed(&e))?;
    tokio::spawn(connection.map(|_| ()));
    let mut request = request(settings)?;
    let conditional =
        validators.is_some_and(|v| header_map::add_validators(request.headers_mut(), v));
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| hyper_failed(&e))?;
    if head_limit::overflows(head_bytes(&response), limit) {
        return Err(failure::header_overflow());
    }
    let status = response.status();
    let headers = header_map::cache_headers(response.headers());
    if conditional && status == hyper::StatusCode::NOT_MODIFIED {
        let response = Response::NotModified;
        return Ok(Reply { response, headers });
    }
    if !status.is_success() {
        hint.status = Some(status.as_u16());
        hint.retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        return Err(Error::unavailable(status_message(&response)));
    }
    let limit = settings.max_response_bytes;
    let declared = response
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(too_large(limit));
    }
    // The declared length (within the cap) sizes the buffer once.
    let expected = declared.map_or(0, |len| len.min(limit as u64) as usize);
    let body = read_body(response.into_body(), limit, expected).await?;
    let document = Document {
        body: body_text(&body),
        fetched_at: None,
    };
    Ok(Reply {
        response: Response::Body(document),
        headers,
    })
}

/// The body as text, as Node decodes it: each invalid UTF-8 sequence read
/// as U+FFFD. Checking first is many times faster than the lossy decoder
/// on the valid bodies endpoints send.
fn body_text(body: &[u8]) -> Arc<str> {
    match std::str::from_utf8(body) {
        Ok(text) => Arc::from(text),
        Err(_) => Arc::from(String::from_utf8_lossy(body)),
    }
}

async fn read_body(
    mut body: hyper::body::Incoming,
    limit: usize,
    expected: usize,
) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(expected);
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| hyper_failed(&e))?;
        if let Ok(data) = frame.into_data() {
            if out.len() + data.len() > limit {
                return Err(too_large(limit));
            }
            out.extend_from_slice(&data);
        }
    }
    Ok(out)
}

fn too_large(limit: usize) -> Error {
    Error::unavailable(format!(
        "The JWKS response exceeded the limit of {limit} bytes"
    ))
}

/// The bytes of `response`'s head that Node counts against its limit.
fn head_bytes<B>(response: &hyper::Response<B>) -> usize {
    // hyper keeps the reason phrase only when it is not the usual one.
    let reason = match response.extensions().get::<hyper::ext::ReasonPhrase>() {
        Some(phrase) => phrase.as_bytes(),
        None => response
            .status()
            .canonical_reason()
            .map_or(&b""[..], str::as_bytes),
    };
    head_limit::counted(reason, response.headers())
}

/// jwks-rsa's message for a non-2xx answer: the reason phrase as sent,
/// else `Http Error <status>`.
fn status_message<B>(response: &hyper::Response<B>) -> String {
    let status = response.status();
    let reason: Option<String> = match response.extensions().get::<hyper::ext::ReasonPhrase>() {
        // The reason phrase is bytes on the wire; Node reads them as latin1.
        Some(phrase) => Some(phrase.as_bytes().iter().map(|b| char::from(*b)).collect()),
        None => status.canonical_reason().map(str::to_owned),
    };
    match reason {
        Some(reason) if !reason.is_empty() => reason,
        _ => format!("Http Error {}", status.as_u16()),
    }
}

fn hyper_failed(err: &hyper::Error) -> Error {
    // hyper offers no predicate for its "too large" parse error, only its text.
    if err.is_parse() && err.to_string().contains("too large") {
        return failure::header_overflow();
    }
    if err.is_parse() || err.is_parse_status() {
        return failure::parse_failed(&err.to_string());
    }
    let io = std::error::Error::source(err).and_then(|s| s.downcast_ref::<std::io::Error>());
    match io {
        Some(io) => failure::io_failed(io),
        None => failure::hang_up(),
    }
}
