//! TLS client settings: the roots to trust and an optional client identity.
//!
//! Roots are handed in as PEM text so the caller decides the trust store; the
//! Node layer passes what Node's `https` would trust (its bundled roots plus
//! `NODE_EXTRA_CA_CERTS`, or the `ca` option instead).

use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, OtherError, RootCertStore,
    SignatureScheme,
};

use crate::error::Error;
use crate::transport::TlsFailure;

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
    let webpki =
        WebPkiServerVerifier::builder_with_provider(Arc::clone(&roots), Arc::clone(&provider))
            .build()
            .map_err(|e| invalid(format!("TLS configuration: {e}")))?;
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| invalid(format!("TLS configuration: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(TellingVerifier { webpki, roots }));
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

/// WebPKI verification, unchanged, whose "unknown issuer" refusals are told
/// apart as OpenSSL tells them apart (a self-signed certificate, one in the
/// chain, a missing issuer), so that failures can be reported precisely.
#[derive(Debug)]
struct TellingVerifier {
    webpki: Arc<WebPkiServerVerifier>,
    roots: Arc<RootCertStore>,
}

/// A refusal carrying its [`TlsFailure`] inside a rustls error.
#[derive(Debug)]
struct Refused(TlsFailure);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl std::error::Error for Refused {}

fn self_issued(cert: &CertificateDer<'_>) -> bool {
    webpki::EndEntityCert::try_from(cert).is_ok_and(|c| c.issuer() == c.subject())
}

fn is_trusted_root(roots: &RootCertStore, cert: &CertificateDer<'_>) -> bool {
    let Ok(parsed) = webpki::EndEntityCert::try_from(cert) else {
        return false;
    };
    let spki = parsed.subject_public_key_info();
    roots.roots.iter().any(|anchor| {
        anchor.subject.as_ref() == parsed.subject()
            && spki
                .as_ref()
                .ends_with(anchor.subject_public_key_info.as_ref())
    })
}

impl TellingVerifier {
    fn refine(
        &self,
        err: rustls::Error,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
    ) -> rustls::Error {
        let rustls::Error::InvalidCertificate(cause) = &err else {
            return err;
        };
        let ca_as_leaf = matches!(cause, CertificateError::Other(other)
            if other.0.downcast_ref::<webpki::Error>() == Some(&webpki::Error::CaUsedAsEndEntity));
        if !ca_as_leaf && *cause != CertificateError::UnknownIssuer {
            return err;
        }
        let failure = if ca_as_leaf && is_trusted_root(&self.roots, end_entity) {
            TlsFailure::Other(
                "the server presented a trusted CA certificate as its own certificate".to_owned(),
            )
        } else if intermediates.is_empty() && self_issued(end_entity) {
            TlsFailure::SelfSigned
        } else if intermediates.last().is_some_and(self_issued) {
            TlsFailure::SelfSignedInChain
        } else if ca_as_leaf {
            return err;
        } else {
            TlsFailure::UnknownIssuer {
                chain: !intermediates.is_empty(),
            }
        };
        rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(Arc::new(Refused(
            failure,
        )))))
    }
}

impl ServerCertVerifier for TellingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.webpki
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
            .map_err(|err| self.refine(err, end_entity, intermediates))
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

/// What a rustls handshake error means, for a connection to `host`.
pub fn classify(err: &rustls::Error, host: &str) -> TlsFailure {
    let rustls::Error::InvalidCertificate(cause) = err else {
        return TlsFailure::Other(err.to_string());
    };
    match cause {
        CertificateError::Other(other) => match other.0.downcast_ref::<Refused>() {
            Some(Refused(failure)) => failure.clone(),
            None => TlsFailure::Other(format!("invalid peer certificate: {}", other.0)),
        },
        CertificateError::UnknownIssuer => TlsFailure::UnknownIssuer { chain: false },
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => TlsFailure::Expired,
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            TlsFailure::NotYetValid
        }
        CertificateError::Revoked => TlsFailure::Revoked,
        CertificateError::NotValidForName => TlsFailure::NameMismatch {
            host: host.to_owned(),
            presented: Vec::new(),
        },
        CertificateError::NotValidForNameContext { presented, .. } => TlsFailure::NameMismatch {
            host: host.to_owned(),
            presented: presented.iter().filter_map(|p| alt_name(p)).collect(),
        },
        other => TlsFailure::Other(format!("invalid peer certificate: {other}")),
    }
}

/// `DNS:<name>` or `IP:<address>` from WebPKI's rendering of a presented
/// name (`DnsName("a.example")`, `IpAddress(127.0.0.1)`); other kinds are left out.
fn alt_name(presented: &str) -> Option<String> {
    if let Some(name) = presented
        .strip_prefix("DnsName(\"")
        .and_then(|s| s.strip_suffix("\")"))
    {
        return Some(format!("DNS:{name}"));
    }
    presented
        .strip_prefix("IpAddress(")
        .and_then(|s| s.strip_suffix(')'))
        .map(|ip| format!("IP:{ip}"))
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

    #[test]
    fn presented_names_are_read_from_webpki_rendering() {
        assert_eq!(
            alt_name("DnsName(\"a.example\")").as_deref(),
            Some("DNS:a.example")
        );
        assert_eq!(
            alt_name("IpAddress(127.0.0.1)").as_deref(),
            Some("IP:127.0.0.1")
        );
        assert_eq!(alt_name("DirectoryName"), None);
    }

    #[test]
    fn certificate_errors_are_classified() {
        let expired = rustls::Error::InvalidCertificate(CertificateError::Expired);
        assert_eq!(classify(&expired, "h"), TlsFailure::Expired);
        let refused = rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(
            Arc::new(Refused(TlsFailure::SelfSigned)),
        )));
        assert_eq!(classify(&refused, "h"), TlsFailure::SelfSigned);
        let name = rustls::Error::InvalidCertificate(CertificateError::NotValidForNameContext {
            expected: ServerName::try_from("h.example").expect("name"),
            presented: vec!["DnsName(\"other.example\")".to_owned()],
        });
        assert_eq!(
            classify(&name, "h.example"),
            TlsFailure::NameMismatch {
                host: "h.example".to_owned(),
                presented: vec!["DNS:other.example".to_owned()]
            }
        );
    }
}
