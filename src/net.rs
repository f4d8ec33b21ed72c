//! Opening the connection to the endpoint: name resolution, TCP, then TLS.
//!
//! Addresses are tried one by one so a failure names the address that
//! refused, as Node's errors do.

use std::net::SocketAddr;
use std::sync::Arc;

use rustls::ClientConfig;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use crate::error::Error;
use crate::node_error;

/// A byte stream to the endpoint, plain or encrypted.
pub trait Io: AsyncRead + AsyncWrite + Send + Unpin + 'static {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin + 'static> Io for T {}

/// Resolves `host` and connects to the first address that accepts.
///
/// # Errors
/// `getaddrinfo ENOTFOUND` when the name does not resolve, otherwise the
/// connect error of the last address tried.
pub async fn connect_tcp(host: &str, port: u16) -> Result<TcpStream, Error> {
    let addrs: Vec<SocketAddr> = match tokio::net::lookup_host((host, port)).await {
        Ok(addrs) => addrs.collect(),
        Err(_) => return Err(node_error::lookup_failed(host)),
    };
    let mut last = node_error::lookup_failed(host);
    for addr in addrs {
        match TcpStream::connect(addr).await {
            Ok(stream) => {
                // Requests are tiny; do not wait to coalesce them.
                let _ = stream.set_nodelay(true);
                return Ok(stream);
            }
            Err(err) => last = node_error::connect_failed(&err, addr),
        }
    }
    Err(last)
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
    let name =
        ServerName::try_from(host.to_owned()).map_err(|_| node_error::lookup_failed(host))?;
    let tls = TlsConnector::from(Arc::clone(config))
        .connect(name, stream)
        .await
        .map_err(|e| node_error::tls_failed(&e))?;
    Ok(Box::new(tls))
}
