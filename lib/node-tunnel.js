'use strict';

const { JwksError } = require('./errors');

// An HTTP CONNECT tunnel through a forward proxy, for `https:` endpoints
// fetched with Node's http (the WebAssembly build, which has no sockets of
// its own). Failures read as the native client's do.

// `host:port` with brackets for an IPv6 literal, as the request line wants it.
function authority(host, port) {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

// Calls `done(err, socket)` once. Returns the CONNECT request, which the
// caller's deadline destroys; `timedOut()` tells a deadline from the proxy
// hanging up.
function openTunnel(proxy, target, timedOut, callback) {
  let called = false;
  const done = (err, socket) => {
    if (called) return;
    called = true;
    callback(err, socket);
  };
  const http = require('http');
  const connectTo = authority(target.host, target.port);
  const headers = { Host: connectTo };
  if (proxy.authorization) headers['Proxy-Authorization'] = proxy.authorization;
  const req = http.request({ host: proxy.host, port: proxy.port, method: 'CONNECT', path: connectTo, headers, agent: false });
  req.on('connect', (res, socket) => {
    const status = /** @type {number} */ (res.statusCode);
    if (status >= 200 && status < 300) {
      done(null, socket);
      return;
    }
    socket.destroy();
    done(new JwksError(`Proxy refused the tunnel: HTTP/${res.httpVersion} ${res.statusCode} ${res.statusMessage}`));
  });
  // A proxy that answers a CONNECT with a body-less non-2xx response.
  req.on('response', (res) => {
    res.resume();
    done(new JwksError(`Proxy refused the tunnel: HTTP/${res.httpVersion} ${res.statusCode} ${res.statusMessage}`));
  });
  req.on('error', (/** @type {NodeJS.ErrnoException} */ err) => {
    const hungUp = err.code === 'ECONNRESET' && err.message === 'socket hang up' && !timedOut();
    done(hungUp ? new JwksError('Proxy closed the connection before answering CONNECT') : err);
  });
  req.end();
  return req;
}

module.exports = { authority, openTunnel };
