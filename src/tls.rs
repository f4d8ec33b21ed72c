//! TLS client settings: the roots to trust and an optional client identity.
//!
//! Roots are handed in as PEM text so the caller decides the trust store; the
//! Node layer passes what Node's `https` would trust (its bundled roots plus
//! `NODE_EXTRA_CA_CERTS`, or the `ca` option instead).

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ClientConfig, RootCertStore};

use crate::error::Error;

fn invalid(message: String) -> Error {
    Error::ArgumentError {
        message,
        endpoint_unavailable: false,
    }
}

fn certificates(pem: &str, what: &str) -> Result<Vec<CertificateDer<'static>>, Error> {
    CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| invalid(format!("Invalid {what}: {e}")))
}

/// The trust anchors found in a PEM bundle.
///
/// # Errors
/// `ArgumentError` when the bundle holds no usable certificate.
pub fn root_store(roots_pem: &str) -> Result<Arc<RootCertStore>, Error> {
    let mut roots = RootCertStore::empty();
    let (added, _ignored) =
        roots.add_parsable_certificates(certificates(roots_pem, "CA certificates")?);
    if added == 0 {
        return Err(invalid("No usable CA certificate was given".to_owned()));
    }
    Ok(Arc::new(roots))
}

/// A client certificate chain and its private key, both PEM.
#[derive(Debug, Clone, Copy)]
pub struct Identity<'a> {
    /// Certificate chain, leaf first.
    pub cert_pem: &'a str,
    /// The leaf's private key (PKCS#8, PKCS#1 or SEC1).
    pub key_pem: &'a str,
}

/// A rustls client configuration trusting `roots`, presenting `identity`
/// for mutual TLS when given.
///
/// # Errors
/// `ArgumentError` when the identity is unusable.
pub fn client_config(
    roots: Arc<RootCertStore>,
    identity: Option<Identity<'_>>,
) -> Result<Arc<ClientConfig>, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| invalid(format!("TLS configuration: {e}")))?
        .with_root_certificates(roots);
    let config = match identity {
        None => builder.with_no_client_auth(),
        Some(identity) => {
            let chain = certificates(identity.cert_pem, "client certificate")?;
            let key = PrivateKeyDer::from_pem_slice(identity.key_pem.as_bytes())
                .map_err(|e| invalid(format!("Invalid client key: {e}")))?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| invalid(format!("Invalid client certificate or key: {e}")))?
        }
    };
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_roots_are_an_argument_error() {
        let err = root_store("not a certificate").err();
        assert_eq!(
            err.map(|e| e.to_string()).as_deref(),
            Some("No usable CA certificate was given")
        );
    }
}
