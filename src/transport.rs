//! Transport failures as data: what went wrong reaching the endpoint, in
//! terms of the operating system and TLS, with nothing of any runtime's
//! wording. The binding layer words them for its users (Node's codes and
//! messages); the core only carries and displays them.
//!
//! In no layer folder, below `error`: [`Error`](crate::error::Error) carries these types.

use std::io;
use std::net::SocketAddr;

/// Why the peer's certificate was refused, as far as the verifier can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsFailure {
    /// The server's only certificate signs itself and is not trusted.
    SelfSigned,
    /// The chain ends in a self-signed certificate that is not trusted.
    SelfSignedInChain,
    /// No trusted issuer was found; `chain` is true when intermediates were sent.
    UnknownIssuer {
        /// Whether the server sent certificates beyond its own.
        chain: bool,
    },
    /// The certificate's validity period is over.
    Expired,
    /// The certificate's validity period has not begun.
    NotYetValid,
    /// The certificate has been revoked.
    Revoked,
    /// The certificate does not name the host connected to.
    NameMismatch {
        /// The host name or IP the client expected.
        host: String,
        /// The certificate's subject alternative names, as `DNS:<name>` or `IP:<address>`.
        presented: Vec<String>,
    },
    /// Any other handshake failure, described in words.
    Other(String),
}

/// A failure on the way to a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// The host name did not resolve.
    Lookup {
        /// The name looked up.
        host: String,
    },
    /// Connecting to one address failed.
    Connect {
        /// The error kind the OS reported.
        kind: io::ErrorKind,
        /// The raw OS error number, when there was one.
        os_code: Option<i32>,
        /// The address tried.
        addr: SocketAddr,
    },
    /// No address answered within the per-attempt connect timeout.
    ConnectTimeout {
        /// The address tried last.
        addr: SocketAddr,
    },
    /// The connection closed or the deadline passed before a full response.
    HangUp,
    /// Reading or writing an established connection failed.
    Io {
        /// The error kind the OS reported.
        kind: io::ErrorKind,
        /// The raw OS error number, when there was one.
        os_code: Option<i32>,
        /// The OS's description.
        detail: String,
    },
    /// The response head was larger than the parser accepts (too many headers or bytes).
    HeaderOverflow,
    /// The response was not valid HTTP/1.
    Parse {
        /// What the parser objected to.
        detail: String,
    },
    /// The TLS handshake failed.
    Tls(TlsFailure),
}

impl std::fmt::Display for TransportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TransportError::Lookup { host } => write!(f, "{host} did not resolve"),
            TransportError::Connect { kind, addr, .. } => write!(f, "connecting to {addr}: {kind}"),
            TransportError::ConnectTimeout { addr } => write!(f, "connecting to {addr} timed out"),
            TransportError::HangUp => f.write_str("the connection closed before a full response"),
            TransportError::Io { detail, .. } => f.write_str(detail),
            TransportError::HeaderOverflow => f.write_str("the response head is too large"),
            TransportError::Parse { detail } => write!(f, "invalid HTTP response: {detail}"),
            TransportError::Tls(failure) => write!(f, "TLS handshake failed: {failure:?}"),
        }
    }
}
