//! Transport failures shaped like the errors Node's `http` module raises, so
//! code that inspects `err.code` (`ECONNREFUSED`, `ENOTFOUND`, `ECONNRESET`)
//! keeps working when jwks-rsa is swapped out.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use crate::error::{Error, SystemError};

/// libuv's name and (negative) number for an OS error, as Node reports them.
fn uv_code(err: &io::Error) -> (&'static str, Option<i32>) {
    // Linux errno values; other kinds fall back on the error kind alone.
    match (err.raw_os_error(), err.kind()) {
        (Some(111), _) | (None, io::ErrorKind::ConnectionRefused) => ("ECONNREFUSED", Some(-111)),
        (Some(104), _) | (None, io::ErrorKind::ConnectionReset) => ("ECONNRESET", Some(-104)),
        (Some(110), _) | (None, io::ErrorKind::TimedOut) => ("ETIMEDOUT", Some(-110)),
        (Some(113), _) | (None, io::ErrorKind::HostUnreachable) => ("EHOSTUNREACH", Some(-113)),
        (Some(101), _) | (None, io::ErrorKind::NetworkUnreachable) => ("ENETUNREACH", Some(-101)),
        (Some(99), _) | (None, io::ErrorKind::AddrNotAvailable) => ("EADDRNOTAVAIL", Some(-99)),
        (Some(13), _) | (None, io::ErrorKind::PermissionDenied) => ("EACCES", Some(-13)),
        (Some(32), _) | (None, io::ErrorKind::BrokenPipe) => ("EPIPE", Some(-32)),
        _ => ("ECONNRESET", Some(-104)),
    }
}

fn system(err: SystemError) -> Error {
    Error::SystemError(Arc::new(err))
}

/// `connect ECONNREFUSED 127.0.0.1:8080`, with `errno`, `syscall`, `address`, `port`.
pub fn connect_failed(err: &io::Error, addr: SocketAddr) -> Error {
    let (code, errno) = uv_code(err);
    let address = addr.ip().to_string();
    system(SystemError {
        message: format!("connect {code} {address}:{}", addr.port()),
        errno,
        code: code.to_owned(),
        syscall: Some("connect".to_owned()),
        address: Some(address),
        port: Some(addr.port()),
        hostname: None,
    })
}

/// `getaddrinfo ENOTFOUND host`.
pub fn lookup_failed(host: &str) -> Error {
    system(SystemError {
        message: format!("getaddrinfo ENOTFOUND {host}"),
        errno: Some(-3008),
        code: "ENOTFOUND".to_owned(),
        syscall: Some("getaddrinfo".to_owned()),
        hostname: Some(host.to_owned()),
        ..SystemError::default()
    })
}

/// What Node raises when the request is destroyed on `timeout`, as jwks-rsa does.
pub fn hang_up() -> Error {
    system(SystemError {
        message: "socket hang up".to_owned(),
        code: "ECONNRESET".to_owned(),
        ..SystemError::default()
    })
}

/// A connection that failed after it was established (reset, closed early).
pub fn io_failed(err: &io::Error) -> Error {
    let (code, errno) = uv_code(err);
    if code == "ECONNRESET" {
        return hang_up();
    }
    system(SystemError {
        message: format!("{code}: {err}"),
        errno,
        code: code.to_owned(),
        syscall: Some("read".to_owned()),
        ..SystemError::default()
    })
}

/// A malformed HTTP response, as llhttp reports it.
pub fn parse_failed(detail: &str) -> Error {
    system(SystemError {
        message: format!("Parse Error: {detail}"),
        code: "HPE_INVALID_CONSTANT".to_owned(),
        ..SystemError::default()
    })
}

/// A TLS failure, with OpenSSL's wording and code where one applies.
pub fn tls_failed(err: &io::Error) -> Error {
    let (message, code) = tls_wording(err);
    system(SystemError {
        message,
        code: code.to_owned(),
        ..SystemError::default()
    })
}

fn tls_wording(err: &io::Error) -> (String, &'static str) {
    use rustls::{CertificateError, Error as Tls};
    let Some(tls) = err.get_ref().and_then(|e| e.downcast_ref::<Tls>()) else {
        return (err.to_string(), "ECONNRESET");
    };
    match tls {
        Tls::InvalidCertificate(CertificateError::UnknownIssuer) => (
            "unable to verify the first certificate".to_owned(),
            "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
        ),
        Tls::InvalidCertificate(CertificateError::Expired) => {
            ("certificate has expired".to_owned(), "CERT_HAS_EXPIRED")
        }
        Tls::InvalidCertificate(CertificateError::NotValidYet) => (
            "certificate is not yet valid".to_owned(),
            "CERT_NOT_YET_VALID",
        ),
        Tls::InvalidCertificate(CertificateError::NotValidForName)
        | Tls::InvalidCertificate(CertificateError::NotValidForNameContext { .. }) => (
            "Hostname/IP does not match certificate's altnames".to_owned(),
            "ERR_TLS_CERT_ALTNAME_INVALID",
        ),
        other => (other.to_string(), "EPROTO"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(err: Error) -> Option<SystemError> {
        match err {
            Error::SystemError(e) => Some((*e).clone()),
            _ => None,
        }
    }

    #[test]
    fn refused_connections_read_like_node() {
        let err = io::Error::from_raw_os_error(111);
        let addr: SocketAddr = "127.0.0.1:9".parse().expect("addr");
        let e = fields(connect_failed(&err, addr)).expect("system error");
        assert_eq!(e.message, "connect ECONNREFUSED 127.0.0.1:9");
        assert_eq!(e.errno, Some(-111));
        assert_eq!(e.code, "ECONNREFUSED");
        assert_eq!(e.syscall.as_deref(), Some("connect"));
        assert_eq!(e.port, Some(9));
    }

    #[test]
    fn lookup_and_timeout_read_like_node() {
        let e = fields(lookup_failed("nope.invalid")).expect("system error");
        assert_eq!(e.message, "getaddrinfo ENOTFOUND nope.invalid");
        assert_eq!(e.hostname.as_deref(), Some("nope.invalid"));
        let e = fields(hang_up()).expect("system error");
        assert_eq!(
            (e.message.as_str(), e.code.as_str()),
            ("socket hang up", "ECONNRESET")
        );
    }
}
