//! The trust store of native TLS: what Node's `https` would trust.

use std::sync::{Arc, OnceLock};

use napi_derive::napi;
use rustls::{ClientConfig, RootCertStore};

use crate::error::Error;
use crate::http::tls::{self, Identity};

static DEFAULT_ROOTS: OnceLock<Arc<RootCertStore>> = OnceLock::new();
static DEFAULT_CONFIG: OnceLock<Arc<ClientConfig>> = OnceLock::new();

/// Sets the roots trusted by default: Node's bundled roots and the file named
/// by `NODE_EXTRA_CA_CERTS`, handed over by the shim once per process.
#[napi(catch_unwind)]
pub fn set_default_roots(pem: String) -> napi::Result<bool> {
    if DEFAULT_ROOTS.get().is_some() {
        return Ok(false);
    }
    let roots = tls::root_store(&pem).map_err(|e| napi::Error::from_reason(e.to_string()))?;
    Ok(DEFAULT_ROOTS.set(roots).is_ok())
}

/// Whether default roots were handed over already.
#[napi(catch_unwind)]
pub fn has_default_roots() -> bool {
    DEFAULT_ROOTS.get().is_some()
}

fn default_roots() -> Result<Arc<RootCertStore>, Error> {
    DEFAULT_ROOTS
        .get()
        .cloned()
        .ok_or_else(|| Error::ArgumentError {
            message: "No default CA certificates were loaded".to_owned(),
            endpoint_unavailable: false,
        })
}

/// The TLS configuration of a client: Node's defaults, or `ca` instead of
/// them, with `cert`/`key` for mutual TLS. The default one is built once.
///
/// # Errors
/// `ArgumentError` for an unusable bundle, certificate or key.
pub fn client_tls(
    ca: Option<&str>,
    cert: Option<&str>,
    key: Option<&str>,
) -> Result<Arc<ClientConfig>, Error> {
    let identity = match (cert, key) {
        (Some(cert_pem), Some(key_pem)) => Some(Identity { cert_pem, key_pem }),
        (None, None) => None,
        _ => {
            return Err(Error::ArgumentError {
                message: "Mutual TLS needs both `cert` and `key`".to_owned(),
                endpoint_unavailable: false,
            });
        }
    };
    if ca.is_none() && identity.is_none() {
        if let Some(config) = DEFAULT_CONFIG.get() {
            return Ok(Arc::clone(config));
        }
        let config = tls::client_config(default_roots()?, None)?;
        return Ok(Arc::clone(DEFAULT_CONFIG.get_or_init(|| config)));
    }
    let roots = match ca {
        Some(pem) => tls::root_store(pem)?,
        None => default_roots()?,
    };
    tls::client_config(roots, identity)
}
