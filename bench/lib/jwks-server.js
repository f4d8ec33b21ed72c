'use strict';

// A JWKS endpoint on 127.0.0.1 for the benchmark: serves each key set at
// /jwks/<size>.json (bodies serialized once) and counts every request.
//
// Each response closes its connection: an app's first fetch, or a refresh
// minutes later, finds no open connection to its identity provider. Were
// connections kept open, jwks-rsa's fresh clients would reuse the socket
// Node's global agent kept from the previous client, which a real first
// fetch cannot. /keep-alive/jwks/<size>.json serves the same set over
// kept-alive connections, for the figure that shows that difference.

const http = require('http');

const KEEP_ALIVE_PREFIX = '/keep-alive';

async function startJwksServer(sets) {
  const bodies = new Map();
  for (const [size, keys] of Object.entries(sets)) {
    bodies.set(`/jwks/${size}.json`, Buffer.from(JSON.stringify({ keys })));
  }
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests += 1;
    const keepAlive = req.url.startsWith(KEEP_ALIVE_PREFIX);
    const body = bodies.get(keepAlive ? req.url.slice(KEEP_ALIVE_PREFIX.length) : req.url);
    if (!keepAlive) res.setHeader('connection', 'close');
    if (!body) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.setHeader('content-length', body.length);
    res.end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    uri: (size, { keepAlive = false } = {}) => `http://127.0.0.1:${port}${keepAlive ? KEEP_ALIVE_PREFIX : ''}/jwks/${size}.json`,
    requests: () => requests,
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

module.exports = { startJwksServer };
