//! Transport failures worded as Node's `http`/`https` word them, so code
//! that inspects `err.code` (`ECONNREFUSED`, `ENOTFOUND`,
//! `DEPTH_ZERO_SELF_SIGNED_CERT`) keeps working when jwks-rsa is swapped out.
//!
//! The code comes from the error kind, else from the raw OS number read with
//! the table of the OS it came from; `errno` is libuv's number on that OS.

use std::io::ErrorKind;

use crate::transport::{TlsFailure, TransportError};

/// The fields of a Node.js system error, in the order Node defines them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NodeSystemError {
    /// Full message, e.g. `connect ECONNREFUSED 127.0.0.1:8080`.
    pub message: String,
    /// libuv errno (negative), when Node would set one.
    pub errno: Option<i32>,
    /// Symbolic code, e.g. `ECONNREFUSED`.
    pub code: String,
    /// The failing system call, e.g. `connect` or `getaddrinfo`.
    pub syscall: Option<String>,
    /// Peer address for connect errors.
    pub address: Option<String>,
    /// Peer port for connect errors.
    pub port: Option<u16>,
    /// Host name for resolver errors.
    pub hostname: Option<String>,
}

/// Operating systems by their errno numbering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Os {
    /// Linux (glibc and musl).
    Linux,
    /// macOS and the BSDs, which share BSD numbers for these errors.
    Bsd,
    /// Windows: Winsock codes, and libuv's own errno values.
    Windows,
}

/// The OS this binary runs on.
pub const CURRENT_OS: Os = if cfg!(windows) {
    Os::Windows
} else if cfg!(any(
    target_os = "macos",
    target_os = "ios",
    target_os = "freebsd",
    target_os = "netbsd",
    target_os = "openbsd",
    target_os = "dragonfly"
)) {
    Os::Bsd
} else {
    Os::Linux
};

/// One error: its libuv name, Rust kind, raw number on Linux, on macOS/BSD,
/// on Windows (Winsock), and libuv's Windows errno (on Unix libuv's errno is
/// minus the OS number).
type Row = (&'static str, ErrorKind, i32, i32, i32, i32);

/// errno.h of each OS, Winsock's WSAE* codes, and libuv's `uv/errno.h`.
#[rustfmt::skip]
const ROWS: [Row; 10] = [
    ("ECONNREFUSED", ErrorKind::ConnectionRefused, 111, 61, 10061, -4078),
    ("ECONNRESET", ErrorKind::ConnectionReset, 104, 54, 10054, -4077),
    ("ETIMEDOUT", ErrorKind::TimedOut, 110, 60, 10060, -4039),
    ("EHOSTUNREACH", ErrorKind::HostUnreachable, 113, 65, 10065, -4073),
    ("ENETUNREACH", ErrorKind::NetworkUnreachable, 101, 51, 10051, -4062),
    ("EADDRNOTAVAIL", ErrorKind::AddrNotAvailable, 99, 49, 10049, -4090),
    ("EACCES", ErrorKind::PermissionDenied, 13, 13, 10013, -4092),
    ("EPIPE", ErrorKind::BrokenPipe, 32, 32, 109, -4047),
    ("ECONNABORTED", ErrorKind::ConnectionAborted, 103, 53, 10053, -4079),
    ("ENETDOWN", ErrorKind::NetworkDown, 100, 50, 10050, -4063),
];

/// The row for ECONNRESET: what Node reports for a connection that failed
/// in a way it has no better name for.
const FALLBACK: usize = 1;

fn raw_of(row: &Row, os: Os) -> i32 {
    let (_, _, linux, bsd, winsock, _) = *row;
    match os {
        Os::Linux => linux,
        Os::Bsd => bsd,
        Os::Windows => winsock,
    }
}

/// libuv's name and errno for an OS error of `kind` / `raw` on `os`.
pub fn uv_code(kind: ErrorKind, raw: Option<i32>, os: Os) -> (&'static str, i32) {
    let found = ROWS
        .iter()
        .find(|r| r.1 == kind)
        .or_else(|| raw.and_then(|code| ROWS.iter().find(|r| raw_of(r, os) == code)));
    let row = found.unwrap_or(&ROWS[FALLBACK]);
    let errno = match os {
        Os::Windows => row.5,
        Os::Linux | Os::Bsd => -raw_of(row, os),
    };
    (row.0, errno)
}

/// OpenSSL's code and message for a certificate refusal, as Node raises it.
fn tls_wording(failure: &TlsFailure) -> (&'static str, String) {
    let fixed = |code: &'static str, message: &str| (code, message.to_owned());
    match failure {
        TlsFailure::SelfSigned => fixed("DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed certificate"),
        TlsFailure::SelfSignedInChain => fixed(
            "SELF_SIGNED_CERT_IN_CHAIN",
            "self-signed certificate in certificate chain",
        ),
        TlsFailure::UnknownIssuer { chain: false } => fixed(
            "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
            "unable to verify the first certificate",
        ),
        TlsFailure::UnknownIssuer { chain: true } => fixed(
            "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
            "unable to get local issuer certificate",
        ),
        TlsFailure::Expired => fixed("CERT_HAS_EXPIRED", "certificate has expired"),
        TlsFailure::NotYetValid => fixed("CERT_NOT_YET_VALID", "certificate is not yet valid"),
        TlsFailure::Revoked => fixed("CERT_REVOKED", "certificate revoked"),
        TlsFailure::NameMismatch { host, presented } => (
            "ERR_TLS_CERT_ALTNAME_INVALID",
            format!(
                "Hostname/IP does not match certificate's altnames: {}",
                altname_reason(host, presented)
            ),
        ),
        TlsFailure::Other(detail) => ("EPROTO", format!("TLS handshake failed: {detail}")),
    }
}

/// The reason Node's `tls.checkServerIdentity` gives.
fn altname_reason(host: &str, presented: &[String]) -> String {
    if host.parse::<std::net::IpAddr>().is_ok() {
        let ips: Vec<&str> = presented
            .iter()
            .filter_map(|p| p.strip_prefix("IP:"))
            .collect();
        return format!("IP: {host} is not in the cert's list: {}", ips.join(", "));
    }
    let names: Vec<String> = presented
        .iter()
        .map(|p| match p.strip_prefix("IP:") {
            Some(ip) => format!("IP Address:{ip}"),
            None => p.clone(),
        })
        .collect();
    if names.is_empty() {
        return "Cert does not contain a DNS name".to_owned();
    }
    format!(
        "Host: {host}. is not in the cert's altnames: {}",
        names.join(", ")
    )
}

/// The Node system error for a transport failure on the OS `os`.
pub fn describe(err: &TransportError, os: Os) -> NodeSystemError {
    match err {
        TransportError::Lookup { host } => NodeSystemError {
            message: format!("getaddrinfo ENOTFOUND {host}"),
            errno: Some(-3008),
            code: "ENOTFOUND".to_owned(),
            syscall: Some("getaddrinfo".to_owned()),
            hostname: Some(host.clone()),
            ..NodeSystemError::default()
        },
        TransportError::Connect {
            kind,
            os_code,
            addr,
        } => connect_error(uv_code(*kind, *os_code, os), *addr),
        TransportError::ConnectTimeout { addr } => {
            connect_error(uv_code(ErrorKind::TimedOut, None, os), *addr)
        }
        TransportError::HangUp => hang_up(),
        TransportError::Io { kind, os_code, .. } => {
            let (code, errno) = uv_code(*kind, *os_code, os);
            if code == "ECONNRESET" {
                return hang_up();
            }
            NodeSystemError {
                message: format!("read {code}"),
                errno: Some(errno),
                code: code.to_owned(),
                syscall: Some("read".to_owned()),
                ..NodeSystemError::default()
            }
        }
        TransportError::HeaderOverflow => NodeSystemError {
            message: "Parse Error: Header overflow".to_owned(),
            code: "HPE_HEADER_OVERFLOW".to_owned(),
            ..NodeSystemError::default()
        },
        TransportError::Parse { detail } => NodeSystemError {
            message: format!("Parse Error: {detail}"),
            code: "HPE_INVALID_CONSTANT".to_owned(),
            ..NodeSystemError::default()
        },
        TransportError::Tls(failure) => {
            let (code, message) = tls_wording(failure);
            NodeSystemError {
                message,
                code: code.to_owned(),
                ..NodeSystemError::default()
            }
        }
    }
}

fn connect_error(
    (code, errno): (&'static str, i32),
    addr: std::net::SocketAddr,
) -> NodeSystemError {
    let address = addr.ip().to_string();
    NodeSystemError {
        message: format!("connect {code} {address}:{}", addr.port()),
        errno: Some(errno),
        code: code.to_owned(),
        syscall: Some("connect".to_owned()),
        address: Some(address),
        port: Some(addr.port()),
        hostname: None,
    }
}

/// What Node raises when the socket closes early or the request is destroyed.
fn hang_up() -> NodeSystemError {
    NodeSystemError {
        message: "socket hang up".to_owned(),
        code: "ECONNRESET".to_owned(),
        ..NodeSystemError::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;

    fn refused(os_code: i32, kind: ErrorKind, os: Os) -> NodeSystemError {
        let addr: SocketAddr = "127.0.0.1:9".parse().expect("addr");
        describe(
            &TransportError::Connect {
                kind,
                os_code: Some(os_code),
                addr,
            },
            os,
        )
    }

    #[test]
    fn a_refused_connection_reads_like_node_on_every_os() {
        // What std reports on each OS: the kind, and the raw number.
        for (os, raw, errno) in [
            (Os::Linux, 111, -111),
            (Os::Bsd, 61, -61),
            (Os::Windows, 10061, -4078),
        ] {
            let e = refused(raw, ErrorKind::ConnectionRefused, os);
            assert_eq!(e.message, "connect ECONNREFUSED 127.0.0.1:9", "{os:?}");
            assert_eq!(
                (e.code.as_str(), e.errno),
                ("ECONNREFUSED", Some(errno)),
                "{os:?}"
            );
            assert_eq!(e.syscall.as_deref(), Some("connect"));
            assert_eq!(e.port, Some(9));
            // An uncategorized kind still maps through that OS's own numbers.
            let e = refused(raw, ErrorKind::Other, os);
            assert_eq!(
                (e.code.as_str(), e.errno),
                ("ECONNREFUSED", Some(errno)),
                "{os:?}"
            );
        }
    }

    #[test]
    fn every_row_maps_back_to_itself_on_every_os() {
        for os in [Os::Linux, Os::Bsd, Os::Windows] {
            for r in &ROWS {
                assert_eq!(uv_code(r.1, None, os).0, r.0);
                assert_eq!(uv_code(ErrorKind::Other, Some(raw_of(r, os)), os).0, r.0);
            }
        }
        // Linux's number for ECONNREFUSED is not macOS's: read per OS.
        assert_eq!(
            uv_code(ErrorKind::Other, Some(111), Os::Bsd).0,
            "ECONNRESET"
        );
        assert_eq!(
            uv_code(ErrorKind::Other, Some(61), Os::Bsd),
            ("ECONNREFUSED", -61)
        );
        assert_eq!(
            uv_code(ErrorKind::TimedOut, Some(10060), Os::Windows),
            ("ETIMEDOUT", -4039)
        );
    }

    #[test]
    fn lookup_and_hang_up_read_like_node() {
        let e = describe(
            &TransportError::Lookup {
                host: "nope.invalid".into(),
            },
            CURRENT_OS,
        );
        assert_eq!(e.message, "getaddrinfo ENOTFOUND nope.invalid");
        assert_eq!(e.hostname.as_deref(), Some("nope.invalid"));
        let e = describe(&TransportError::HangUp, CURRENT_OS);
        assert_eq!(
            (e.message.as_str(), e.code.as_str()),
            ("socket hang up", "ECONNRESET")
        );
    }

    #[test]
    fn certificate_refusals_carry_openssl_codes_and_node_messages() {
        let tls = |f: TlsFailure| {
            let e = describe(&TransportError::Tls(f), CURRENT_OS);
            (e.code, e.message)
        };
        assert_eq!(
            tls(TlsFailure::SelfSigned),
            (
                "DEPTH_ZERO_SELF_SIGNED_CERT".into(),
                "self-signed certificate".into()
            )
        );
        assert_eq!(
            tls(TlsFailure::NameMismatch {
                host: "127.0.0.1".into(),
                presented: vec!["DNS:localhost".into(), "IP:10.0.0.1".into()]
            }),
            (
                "ERR_TLS_CERT_ALTNAME_INVALID".into(),
                "Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list: 10.0.0.1".into()
            )
        );
        assert_eq!(
            tls(TlsFailure::NameMismatch {
                host: "a.example".into(),
                presented: vec!["DNS:b.example".into(), "IP:10.0.0.1".into()]
            })
            .1,
            "Hostname/IP does not match certificate's altnames: Host: a.example. is not in the cert's altnames: DNS:b.example, IP Address:10.0.0.1"
        );
    }
}
