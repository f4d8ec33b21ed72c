//! Opening the connection to the endpoint: name resolution, TCP, then TLS.
//!
//! Addresses are raced as RFC 8305 ("happy eyeballs", Node's
//! `autoSelectFamily`) says: families alternate, a new attempt starts every
//! 250 ms or as soon as one fails, the first to connect wins, and each
//! attempt has its own limit, so a black-holed route costs 250 ms, not the
//! whole deadline. A failure names the address that failed last, as Node's
//! errors do.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use rustls::ClientConfig;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use crate::error::Error;
use crate::http::failure;

/// A byte stream to the endpoint, plain or encrypted.
pub trait Io: AsyncRead + AsyncWrite + Send + Unpin + 'static {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin + 'static> Io for T {}

/// The pacing of connection attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pacing {
    /// Time before the next address is tried while earlier attempts still run.
    pub attempt_delay: Duration,
    /// Limit on one connection attempt.
    pub attempt_timeout: Duration,
}

/// RFC 8305's recommended attempt delay (Node's `autoSelectFamilyAttemptTimeout`)
/// and a per-attempt limit well inside the default 30 s deadline.
pub const PACING: Pacing = Pacing {
    attempt_delay: Duration::from_millis(250),
    attempt_timeout: Duration::from_secs(10),
};

/// Orders addresses as RFC 8305 section 4 does: the family of the first
/// address first, then alternating, each family in resolver order.
pub fn interleave(addrs: Vec<SocketAddr>) -> Vec<SocketAddr> {
    let Some(first) = addrs.first() else {
        return addrs;
    };
    let first_v6 = first.is_ipv6();
    let (mut lead, mut other): (Vec<_>, Vec<_>) =
        addrs.iter().partition(|a| a.is_ipv6() == first_v6);
    let mut out = Vec::with_capacity(addrs.len());
    lead.reverse();
    other.reverse();
    while let Some(a) = lead.pop() {
        out.push(a);
        if let Some(b) = other.pop() {
            out.push(b);
        }
    }
    out.extend(other.into_iter().rev());
    out
}

/// Races `connect` over `addrs` (already ordered) as described above.
///
/// # Errors
/// When every attempt fails: the failure of the last one to end, or
/// `lookup_failed(host)` when there is no address at all.
pub async fn race<S, F, Fut>(
    host: &str,
    addrs: &[SocketAddr],
    pacing: Pacing,
    connect: F,
) -> Result<S, Error>
where
    F: Fn(SocketAddr) -> Fut,
    Fut: Future<Output = io::Result<S>>,
{
    let start = |addr: SocketAddr| {
        let attempt = tokio::time::timeout(pacing.attempt_timeout, connect(addr));
        async move { (addr, attempt.await) }
    };
    let mut waiting = addrs.iter().copied();
    let mut running = FuturesUnordered::new();
    let mut last = failure::lookup_failed(host);
    loop {
        if running.is_empty() {
            match waiting.next() {
                Some(addr) => running.push(start(addr)),
                None => return Err(last),
            }
        }
        let ended = if waiting.len() > 0 {
            match tokio::time::timeout(pacing.attempt_delay, running.next()).await {
                Ok(ended) => ended,
                Err(_) => {
                    running.extend(waiting.next().map(start));
                    continue;
                }
            }
        } else {
            running.next().await
        };
        match ended {
            Some((_, Ok(Ok(stream)))) => return Ok(stream),
            Some((addr, Ok(Err(err)))) => last = failure::connect_failed(&err, addr),
            Some((addr, Err(_))) => last = failure::connect_timed_out(addr),
            None => continue,
        }
        // A failure starts the next attempt at once.
        running.extend(waiting.next().map(start));
    }
}

/// Resolves `host` and connects to the first address that accepts.
///
/// # Errors
/// `getaddrinfo ENOTFOUND` when the name does not resolve, otherwise the
/// connect error of the last address tried.
pub async fn connect_tcp(host: &str, port: u16) -> Result<TcpStream, Error> {
    let addrs: Vec<SocketAddr> = match tokio::net::lookup_host((host, port)).await {
        Ok(addrs) => interleave(addrs.collect()),
        Err(_) => return Err(failure::lookup_failed(host)),
    };
    let stream = race(host, &addrs, PACING, TcpStream::connect).await?;
    // Requests are tiny; do not wait to coalesce them.
    let _ = stream.set_nodelay(true);
    Ok(stream)
}

/// Wraps `stream` in TLS for `host`, verifying the certificate against `config`.
///
/// # Errors
/// The TLS failure, worded as OpenSSL would.
pub async fn start_tls(
    stream: impl Io,
    host: &str,
    config: &Arc<ClientConfig>,
) -> Result<Box<dyn Io>, Error> {
    let name = ServerName::try_from(host.to_owned()).map_err(|_| failure::lookup_failed(host))?;
    let tls = TlsConnector::from(Arc::clone(config))
        .connect(name, stream)
        .await
        .map_err(|e| failure::tls_failed(&e, host))?;
    Ok(Box::new(tls))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    fn addr(s: &str) -> SocketAddr {
        s.parse().expect("address")
    }

    const QUICK: Pacing = Pacing {
        attempt_delay: Duration::from_millis(5),
        attempt_timeout: Duration::from_secs(3600),
    };

    /// An in-memory network: black holes never answer, refusers refuse at
    /// once, anything else accepts. Records the order of attempts.
    struct Network {
        black_holes: Vec<SocketAddr>,
        refusers: Vec<SocketAddr>,
        tried: Mutex<Vec<SocketAddr>>,
    }

    impl Network {
        fn connect(&self, to: SocketAddr) -> impl Future<Output = io::Result<SocketAddr>> + use<> {
            self.tried.lock().expect("lock").push(to);
            let hole = self.black_holes.contains(&to);
            let refuse = self.refusers.contains(&to);
            async move {
                if hole {
                    std::future::pending::<()>().await;
                }
                if refuse {
                    return Err(io::Error::from(io::ErrorKind::ConnectionRefused));
                }
                Ok(to)
            }
        }
    }

    async fn bounded<T>(f: impl Future<Output = T>) -> T {
        tokio::time::timeout(Duration::from_secs(10), f)
            .await
            .expect("the race settles")
    }

    #[tokio::test]
    async fn a_black_holed_first_address_does_not_hold_up_the_next() {
        let hole = addr("[2001:db8::1]:443");
        let good = addr("127.0.0.1:443");
        let net = Network {
            black_holes: vec![hole],
            refusers: vec![],
            tried: Mutex::new(vec![]),
        };
        let won = bounded(race("issuer.example", &[hole, good], QUICK, |a| {
            net.connect(a)
        }))
        .await;
        assert_eq!(won.ok(), Some(good));
        assert_eq!(*net.tried.lock().expect("lock"), vec![hole, good]);
    }

    #[tokio::test]
    async fn a_refusal_starts_the_next_attempt_and_the_last_failure_is_reported() {
        let (a, b) = (addr("127.0.0.1:1"), addr("127.0.0.2:1"));
        let net = Network {
            black_holes: vec![],
            refusers: vec![a, b],
            tried: Mutex::new(vec![]),
        };
        let slow = Pacing {
            attempt_delay: Duration::from_secs(3600),
            ..QUICK
        };
        let err = bounded(race("h", &[a, b], slow, |x| net.connect(x)))
            .await
            .err();
        let expected =
            failure::connect_failed(&io::Error::from(io::ErrorKind::ConnectionRefused), b);
        assert_eq!(err, Some(expected));
    }

    #[tokio::test]
    async fn every_attempt_has_its_own_limit() {
        let hole = addr("10.255.255.1:443");
        let net = Network {
            black_holes: vec![hole],
            refusers: vec![],
            tried: Mutex::new(vec![]),
        };
        let limited = Pacing {
            attempt_delay: Duration::from_millis(5),
            attempt_timeout: Duration::from_millis(20),
        };
        let err = bounded(race("h", &[hole], limited, |x| net.connect(x)))
            .await
            .err();
        assert_eq!(err, Some(failure::connect_timed_out(hole)));
        let none = bounded(race("h", &[], limited, |x| net.connect(x)))
            .await
            .err();
        assert_eq!(none, Some(failure::lookup_failed("h")));
    }

    #[test]
    fn families_alternate_starting_with_the_first() {
        let v6a = addr("[2001:db8::1]:1");
        let v6b = addr("[2001:db8::2]:1");
        let v6c = addr("[2001:db8::3]:1");
        let v4a = addr("192.0.2.1:1");
        let v4b = addr("192.0.2.2:1");
        assert_eq!(
            interleave(vec![v6a, v6b, v6c, v4a, v4b]),
            vec![v6a, v4a, v6b, v4b, v6c]
        );
        assert_eq!(interleave(vec![v4a, v6a, v6b]), vec![v4a, v6a, v6b]);
        assert_eq!(interleave(vec![]), Vec::<SocketAddr>::new());
    }
}
