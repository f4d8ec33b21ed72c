//! The freshness options across the boundary to Node's http: validators go
//! to the JavaScript fetch as JSON text, caching headers come back with its
//! result.

use napi_derive::napi;

use super::hooks::HookResult;
use crate::source::headers::{CacheHeaders, Validators};
use crate::source::{Document, Reply, Response};

/// The caching headers of a response, as Node's http read them.
#[napi(object)]
pub struct ReplyHeaders {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub cache_control: Option<String>,
    pub expires: Option<String>,
    pub date: Option<String>,
    pub age: Option<String>,
}

impl From<ReplyHeaders> for CacheHeaders {
    fn from(h: ReplyHeaders) -> Self {
        CacheHeaders {
            etag: h.etag,
            last_modified: h.last_modified,
            cache_control: h.cache_control,
            expires: h.expires,
            date: h.date,
            age: h.age,
        }
    }
}

/// The argument of a Node http fetch with the freshness options on: a JSON
/// object with the validators to send (`ifNoneMatch`, `ifModifiedSince`),
/// empty when there are none. Without the options the argument is `""`.
pub fn conditional_arg(validators: Option<&Validators>) -> String {
    let mut arg = serde_json::Map::new();
    if let Some(v) = validators {
        if let Some(etag) = &v.etag {
            arg.insert("ifNoneMatch".into(), etag.clone().into());
        }
        if let Some(modified) = &v.last_modified {
            arg.insert("ifModifiedSince".into(), modified.clone().into());
        }
    }
    serde_json::Value::Object(arg).to_string()
}

/// The reply a Node http fetch resolved with. `notModified` is only set by
/// the shim for a `304` to a request that carried validators.
pub fn reply_of(result: HookResult) -> Reply {
    let headers = result.headers.map(CacheHeaders::from).unwrap_or_default();
    let response = if result.not_modified == Some(true) {
        Response::NotModified
    } else {
        let body = result.body.unwrap_or_default();
        Response::Body(Document {
            body: body.into(),
            fetched_at: None,
        })
    };
    Reply { response, headers }
}
