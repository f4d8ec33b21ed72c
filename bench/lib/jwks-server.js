'use strict';

// A JWKS endpoint on 127.0.0.1 for the benchmark: serves each key set at
// /jwks/<size>.json (bodies serialized once) and counts every request.

const http = require('http');

async function startJwksServer(sets) {
  const bodies = new Map();
  for (const [size, keys] of Object.entries(sets)) {
    bodies.set(`/jwks/${size}.json`, Buffer.from(JSON.stringify({ keys })));
  }
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests += 1;
    const body = bodies.get(req.url);
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
    uri: (size) => `http://127.0.0.1:${port}/jwks/${size}.json`,
    requests: () => requests,
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

module.exports = { startJwksServer };
