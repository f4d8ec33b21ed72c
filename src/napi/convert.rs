//! Rust answers to plain JavaScript objects.

use std::collections::VecDeque;
use std::sync::Arc;

use crate::state::mutex::Mutex;
use napi_derive::napi;

use super::node_error;
use crate::Error;
use crate::keys::keyset::{KeySet, SigningKey};
use crate::state::cache::Hit;
use crate::state::client::{CachedKeys, Client, Fetched, Resolved};
use crate::state::stats::Stats;

/// A signing key as data; the shim builds the jwks-rsa object from it.
#[napi(object)]
pub struct KeyData {
    pub kid: Option<String>,
    pub alg: Option<String>,
    pub pem: String,
}

/// An error as data: `kind` names the JavaScript class to raise.
#[napi(object)]
pub struct ErrorInfo {
    pub kind: String,
    pub message: String,
    pub endpoint_unavailable: bool,
    pub errno: Option<i32>,
    pub code: Option<String>,
    pub syscall: Option<String>,
    pub address: Option<String>,
    pub port: Option<u32>,
    pub hostname: Option<String>,
    /// For `SyntaxError`: which body, for [`syntax_error_body`]. The body
    /// itself is not copied into every waiting lookup's answer.
    pub syntax_id: Option<f64>,
    /// For `HookError`: where the shim keeps the thrown value.
    pub handle: Option<f64>,
}

/// The answer to `getSigningKey`.
#[napi(object)]
pub struct KeyAnswer {
    pub key: Option<KeyData>,
    /// Until when (ms, JavaScript clock) the key may be reused; `Infinity` for ever.
    pub expires: f64,
    pub cacheable: bool,
    pub error: Option<ErrorInfo>,
    /// Set when the key is stale and served because the endpoint failed.
    pub stale: Option<ErrorInfo>,
    /// Whether answering asked the endpoint.
    pub fetched: bool,
    /// Set when the rate limiter makes the lookup wait this many
    /// milliseconds, then ask again with `waited` set.
    pub retry_after: Option<f64>,
    /// From when a memo hit starts a refresh-ahead (ms); none: never.
    pub refresh_from: Option<f64>,
    /// What the fetch waited on ended with, when the request asked.
    pub event: Option<FetchEvent>,
}

/// The answer to `getSigningKeys`.
#[napi(object)]
pub struct KeysAnswer {
    pub keys: Option<Vec<KeyData>>,
    pub error: Option<ErrorInfo>,
    pub event: Option<FetchEvent>,
    /// For `cachedSigningKeys()`: the revision of the set in use; none
    /// when there is none (`keys` is then absent too).
    pub revision: Option<f64>,
}

/// The client's fetches so far, for the `fetch`, `error` and `rotate`
/// channels: the shim publishes when the counters moved since it last saw
/// them (every waiter of one fetch gets the same event).
#[napi(object)]
pub struct FetchEvent {
    pub fetches: f64,
    pub fetch_errors: f64,
    /// Signing keys in the set in use.
    pub keys: u32,
    /// The last fetch, if it failed and none succeeded since.
    pub error: Option<ErrorInfo>,
    /// The kids of the last set fetched, in order.
    pub kids: Vec<Option<String>>,
}

impl FetchEvent {
    /// The event as `client` stands now.
    pub fn of(client: &Client) -> Self {
        let stats = client.stats();
        let health = client.health();
        FetchEvent {
            fetches: stats.fetches as f64,
            fetch_errors: stats.fetch_errors as f64,
            keys: u32::try_from(health.keys).unwrap_or(u32::MAX),
            error: health
                .last_error
                .as_ref()
                .map(|f| ErrorInfo::from(&f.error)),
            kids: client.current_kids(),
        }
    }
}

impl KeysAnswer {
    /// The signing keys of `set`.
    pub fn of(set: &KeySet) -> Self {
        KeysAnswer {
            keys: Some(set.keys().iter().map(|k| k.as_ref().into()).collect()),
            error: None,
            event: None,
            revision: None,
        }
    }

    /// A failed `getSigningKeys()`.
    pub fn failed(err: &Error) -> Self {
        KeysAnswer {
            keys: None,
            error: Some(err.into()),
            event: None,
            revision: None,
        }
    }

    /// The set in use, for `cachedSigningKeys()`.
    pub fn cached(cached: &CachedKeys) -> Self {
        KeysAnswer {
            keys: cached
                .keys
                .as_ref()
                .map(|keys| keys.iter().map(|k| k.as_ref().into()).collect()),
            error: None,
            event: None,
            revision: cached.revision.map(|r| r as f64),
        }
    }
}

/// The answer to `getKeys`: the raw body, parsed by the shim.
#[napi(object)]
pub struct DocumentAnswer {
    pub body: Option<String>,
    pub error: Option<ErrorInfo>,
    /// Set when the rate limiter makes the fetch wait this many
    /// milliseconds for a token (the shim waits, then asks again).
    pub retry_after: Option<f64>,
    pub event: Option<FetchEvent>,
}

impl From<Result<Arc<str>, Error>> for DocumentAnswer {
    fn from(result: Result<Arc<str>, Error>) -> Self {
        match result {
            Ok(body) => DocumentAnswer {
                body: Some(body.to_string()),
                error: None,
                retry_after: None,
                event: None,
            },
            Err(Error::RateLimitWait(ms)) => DocumentAnswer {
                body: None,
                error: None,
                retry_after: Some(ms as f64),
                event: None,
            },
            Err(err) => DocumentAnswer {
                body: None,
                error: Some(ErrorInfo::from(&err)),
                retry_after: None,
                event: None,
            },
        }
    }
}

/// Counters of a client.
#[napi(object)]
pub struct NativeStats {
    pub cache_hits: f64,
    pub fetches: f64,
    pub fetch_errors: f64,
    pub not_modified: f64,
    pub coalesced: f64,
    pub rate_limited: f64,
    pub stale_served: f64,
    pub cooldown_refusals: f64,
    pub keys: u32,
    pub skipped: u32,
}

/// A key of the last set that is not a signing key, and why.
#[napi(object)]
pub struct SkippedData {
    pub index: u32,
    pub kid: Option<String>,
    pub reason: String,
}

/// The last fetch with a body: for `DEBUG=jwks` lines.
#[napi(object)]
pub struct LastFetch {
    pub body: String,
    pub keys: Vec<KeyData>,
    pub skipped: Vec<SkippedData>,
}

impl From<&SigningKey> for KeyData {
    fn from(key: &SigningKey) -> Self {
        KeyData {
            kid: key.kid.clone(),
            alg: key.alg.clone(),
            pem: key.pem().to_owned(),
        }
    }
}

impl From<&Error> for ErrorInfo {
    fn from(err: &Error) -> Self {
        let mut info = ErrorInfo {
            kind: err.class_name().to_owned(),
            message: err.to_string(),
            endpoint_unavailable: err.is_endpoint_unavailable(),
            errno: None,
            code: None,
            syscall: None,
            address: None,
            port: None,
            hostname: None,
            syntax_id: None,
            handle: None,
        };
        match err {
            Error::Transport(failure) => {
                let sys = node_error::describe(failure, node_error::CURRENT_OS);
                info.message = sys.message;
                info.errno = sys.errno;
                info.code = Some(sys.code);
                info.syscall = sys.syscall;
                info.address = sys.address;
                info.port = sys.port.map(u32::from);
                info.hostname = sys.hostname;
            }
            Error::SyntaxError { body, id, .. } => {
                remember_syntax_body(*id, body);
                info.syntax_id = Some(*id as f64);
            }
            Error::HookError { handle, .. } => info.handle = Some(*handle as f64),
            _ => {}
        }
        info
    }
}

/// Bodies of the latest syntax errors handed to JavaScript, by id: the shim
/// asks for a body once per fetch to rebuild V8's message, then reuses it.
static SYNTAX_BODIES: Mutex<VecDeque<(u64, Arc<str>)>> = Mutex::new(VecDeque::new());
/// Syntax error bodies kept: each is at most `maxResponseBytes`.
const SYNTAX_BODIES_KEPT: usize = 4;

fn remember_syntax_body(id: u64, body: &Arc<str>) {
    let mut bodies = SYNTAX_BODIES.lock();
    if bodies.iter().any(|(kept, _)| *kept == id) {
        return;
    }
    if bodies.len() >= SYNTAX_BODIES_KEPT {
        bodies.pop_front();
    }
    bodies.push_back((id, Arc::clone(body)));
}

/// The body of a recent `SyntaxError` answer, while it is kept.
#[napi(catch_unwind)]
pub fn syntax_error_body(id: f64) -> Option<String> {
    let bodies = SYNTAX_BODIES.lock();
    bodies
        .iter()
        .find(|(kept, _)| *kept as f64 == id)
        .map(|(_, body)| body.to_string())
}

fn expires(hit: &Hit) -> f64 {
    hit.fresh_until.map_or(f64::INFINITY, |t| t as f64)
}

impl KeyAnswer {
    /// A failed lookup.
    pub fn failed(err: &Error) -> Self {
        let retry_after = match err {
            Error::RateLimitWait(ms) => Some(*ms as f64),
            _ => None,
        };
        KeyAnswer {
            key: None,
            expires: 0.0,
            cacheable: false,
            error: retry_after.is_none().then(|| err.into()),
            stale: None,
            fetched: false,
            retry_after,
            refresh_from: None,
            event: None,
        }
    }

    /// A key answered from the cache.
    pub fn hit(hit: &Hit) -> Self {
        KeyAnswer {
            key: Some(hit.key.as_ref().into()),
            expires: expires(hit),
            cacheable: true,
            error: None,
            stale: None,
            fetched: false,
            retry_after: None,
            refresh_from: None,
            event: None,
        }
    }

    /// A key answered after a fetch (or stale).
    pub fn resolved(resolved: &Resolved) -> Self {
        KeyAnswer {
            key: Some(resolved.hit.key.as_ref().into()),
            expires: expires(&resolved.hit),
            cacheable: resolved.cacheable,
            error: None,
            stale: resolved.stale_because.as_ref().map(ErrorInfo::from),
            fetched: resolved.from_endpoint,
            retry_after: None,
            refresh_from: None,
            event: None,
        }
    }
}

impl From<Stats> for NativeStats {
    fn from(s: Stats) -> Self {
        NativeStats {
            cache_hits: s.cache_hits as f64,
            fetches: s.fetches as f64,
            fetch_errors: s.fetch_errors as f64,
            not_modified: s.not_modified as f64,
            coalesced: s.coalesced as f64,
            rate_limited: s.rate_limited as f64,
            stale_served: s.stale_served as f64,
            cooldown_refusals: s.cooldown_refusals as f64,
            keys: u32::try_from(s.keys).unwrap_or(u32::MAX),
            skipped: u32::try_from(s.skipped).unwrap_or(u32::MAX),
        }
    }
}

impl From<&Fetched> for LastFetch {
    fn from(fetched: &Fetched) -> Self {
        let (keys, skipped) = match &fetched.set {
            Ok(set) => (
                set.keys().iter().map(|k| k.as_ref().into()).collect(),
                set.skipped()
                    .iter()
                    .map(|s| SkippedData {
                        index: u32::try_from(s.index).unwrap_or(u32::MAX),
                        kid: s.kid.clone(),
                        reason: s.reason.to_string(),
                    })
                    .collect(),
            ),
            Err(_) => (Vec::new(), Vec::new()),
        };
        LastFetch {
            body: fetched.body.to_string(),
            keys,
            skipped,
        }
    }
}
