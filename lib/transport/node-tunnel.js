'use strict';

const { JwksError } = require('../errors');

// An HTTP CONNECT tunnel through `proxy` to `connectTo` (host:port), with
// the native client's failures (src/http/proxy.rs). Calls `callback(err,
// socket)` once. Returns the CONNECT request for the caller's deadline to
// destroy; `timedOut()` tells that deadline from the proxy hanging up.
function openTunnel(proxy, connectTo, timedOut, callback) {
  let called = false;
  const done = (err, socket) => {
    if (called) return;
    called = true;
    callback(err, socket);
  };
  const refused = (res) => done(new JwksError(`Proxy refused the tunnel: HTTP/${res.httpVersion} ${res.statusCode} ${res.statusMessage}`));
  const headers = { Host: connectTo, ...(proxy.authorization && { 'Proxy-Authorization': proxy.authorization }) };
  const req = require('http').request({ host: proxy.host, port: proxy.port, method: 'CONNECT', path: connectTo, headers, agent: false });
  req.on('connect', (res, socket) => {
    const status = /** @type {number} */ (res.statusCode);
    if (status >= 200 && status < 300 && !timedOut()) {
      done(null, socket);
    } else {
      socket.destroy();
      refused(res);
    }
  });
  // A proxy may answer a CONNECT with a body-less non-2xx response instead.
  req.on('response', (res) => {
    res.resume();
    refused(res);
  });
  req.on('error', (/** @type {NodeJS.ErrnoException} */ err) => {
    const hungUp = err.code === 'ECONNRESET' && err.message === 'socket hang up' && !timedOut();
    done(hungUp ? new JwksError('Proxy closed the connection before answering CONNECT') : err);
  });
  req.end();
  return req;
}

module.exports = { openTunnel };
