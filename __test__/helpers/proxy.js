'use strict';

const http = require('http');
const { createProxy } = require('proxy');

// A forward proxy on 127.0.0.1 (CONNECT tunnels and absolute-form requests)
// that records what went through it.
async function startProxy({ requireAuth } = {}) {
  const seen = [];
  const server = http.createServer();
  server.on('request', (req) => seen.push({ method: req.method, target: req.url, auth: req.headers['proxy-authorization'] }));
  server.on('connect', (req) => seen.push({ method: 'CONNECT', target: req.url, auth: req.headers['proxy-authorization'] }));
  const proxy = createProxy(server);
  if (requireAuth) proxy.authenticate = (req) => req.headers['proxy-authorization'] === requireAuth;
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const sockets = new Set();
  proxy.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return {
    seen,
    url: `http://127.0.0.1:${proxy.address().port}`,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => proxy.close(() => resolve()));
    },
  };
}

module.exports = { startProxy };
