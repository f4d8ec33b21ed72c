//! The native transport's failures as errors: each one a [`TransportError`]
//! inside [`Error::Transport`], made where the socket, the TLS handshake or
//! the HTTP parser failed.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use crate::error::Error;
use crate::transport::TransportError;

fn transport(err: TransportError) -> Error {
    Error::Transport(Arc::new(err))
}

/// `host` did not resolve.
pub fn lookup_failed(host: &str) -> Error {
    transport(TransportError::Lookup {
        host: host.to_owned(),
    })
}

/// Connecting to `addr` failed with `err`.
pub fn connect_failed(err: &io::Error, addr: SocketAddr) -> Error {
    transport(TransportError::Connect {
        kind: err.kind(),
        os_code: err.raw_os_error(),
        addr,
    })
}

/// No connection attempt succeeded in time; `addr` was the last tried.
pub fn connect_timed_out(addr: SocketAddr) -> Error {
    transport(TransportError::ConnectTimeout { addr })
}

/// The connection ended (or was abandoned at the deadline) without a response.
pub fn hang_up() -> Error {
    transport(TransportError::HangUp)
}

/// An established connection failed.
pub fn io_failed(err: &io::Error) -> Error {
    if matches!(
        err.kind(),
        io::ErrorKind::ConnectionReset | io::ErrorKind::UnexpectedEof
    ) {
        return hang_up();
    }
    transport(TransportError::Io {
        kind: err.kind(),
        os_code: err.raw_os_error(),
        detail: err.to_string(),
    })
}

/// A response head over the parser's limits.
pub fn header_overflow() -> Error {
    transport(TransportError::HeaderOverflow)
}

/// A malformed HTTP response.
pub fn parse_failed(detail: &str) -> Error {
    transport(TransportError::Parse {
        detail: detail.to_owned(),
    })
}

/// A TLS handshake failure, classified from the rustls error inside `err`.
pub fn tls_failed(err: &io::Error, host: &str) -> Error {
    let failure = match err
        .get_ref()
        .and_then(|e| e.downcast_ref::<rustls::Error>())
    {
        Some(tls) => crate::http::tls::classify(tls, host),
        None if err.kind() == io::ErrorKind::UnexpectedEof => return hang_up(),
        None => return io_failed(err),
    };
    transport(TransportError::Tls(failure))
}
