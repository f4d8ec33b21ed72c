//! Forward proxies: an HTTP CONNECT tunnel for `https:` endpoints, the
//! absolute-form request line for `http:` ones.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::error::Error;
use crate::http::net::connect_tcp;

/// Largest CONNECT response head read before giving up.
const MAX_CONNECT_HEAD: usize = 8 * 1024;

/// A forward proxy to reach the endpoint through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proxy {
    /// Proxy host name or IP literal, without IPv6 brackets.
    pub host: String,
    /// Proxy port.
    pub port: u16,
    /// `Proxy-Authorization` value (e.g. `Basic dXNlcjpwYXNz`), from the proxy URL's credentials.
    pub authorization: Option<String>,
}

fn failed(message: String) -> Error {
    Error::unavailable(message)
}

/// The `host:port` authority of a target, with brackets for IPv6 literals.
pub fn authority(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// Opens a tunnel to `host:port` through `proxy`.
///
/// # Errors
/// The connect error to the proxy, or a `JwksError` when the proxy refuses the tunnel.
pub async fn tunnel(proxy: &Proxy, host: &str, port: u16) -> Result<TcpStream, Error> {
    let mut stream = connect_tcp(&proxy.host, proxy.port).await?;
    let target = authority(host, port);
    let mut request = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n");
    if let Some(auth) = &proxy.authorization {
        request.push_str(&format!("Proxy-Authorization: {auth}\r\n"));
    }
    request.push_str("\r\n");
    let io = |e: std::io::Error| failed(format!("Proxy connection failed: {e}"));
    stream.write_all(request.as_bytes()).await.map_err(io)?;
    let head = read_head(&mut stream).await?;
    let status_line = head.lines().next().unwrap_or_default();
    let code = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse::<u16>().ok());
    match code {
        Some(200..=299) => Ok(stream),
        _ => Err(failed(format!("Proxy refused the tunnel: {status_line}"))),
    }
}

/// Reads a response head up to the blank line, byte by byte so that nothing
/// of the tunnelled stream is consumed.
async fn read_head(stream: &mut TcpStream) -> Result<String, Error> {
    let mut head = Vec::with_capacity(256);
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        let read = stream
            .read(&mut byte)
            .await
            .map_err(|e| failed(format!("Proxy connection failed: {e}")))?;
        if read == 0 {
            return Err(failed(
                "Proxy closed the connection before answering CONNECT".to_owned(),
            ));
        }
        if head.len() >= MAX_CONNECT_HEAD {
            return Err(failed(
                "Proxy answered CONNECT with an oversized head".to_owned(),
            ));
        }
        head.push(byte[0]);
    }
    Ok(String::from_utf8_lossy(&head).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_authorities_are_bracketed() {
        assert_eq!(authority("::1", 8443), "[::1]:8443");
        assert_eq!(authority("issuer.example", 443), "issuer.example:443");
    }
}
