'use strict';

const http = require('http');
const net = require('net');

// A JWKS endpoint on 127.0.0.1 whose answer each test can change: the keys,
// the status, the raw body. It records every request it receives.
// `hold()` keeps answers back until released, so a test can keep a fetch in
// flight for exactly as long as it needs, and `requested(n)` resolves once
// n requests have arrived.

async function startJwksServer(initialKeys = []) {
  const state = {
    keys: initialKeys,
    status: 200,
    statusMessage: undefined,
    body: undefined,
    requests: [],
    handler: undefined,
    gate: undefined,
  };
  const waiters = [];
  const server = http.createServer((req, res) => {
    state.requests.push({ url: req.url, headers: req.headers, rawHeaders: req.rawHeaders });
    for (const wake of waiters.splice(0)) wake();
    if (state.handler) return state.handler(req, res);
    const send = () => {
      if (state.statusMessage !== undefined) res.statusMessage = state.statusMessage;
      res.statusCode = state.status;
      res.setHeader('content-type', 'application/json');
      res.end(state.body !== undefined ? state.body : JSON.stringify({ keys: state.keys }));
    };
    if (state.gate) state.gate.then(send);
    else send();
  });
  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    state,
    port,
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    get count() {
      return state.requests.length;
    },
    hold() {
      let release;
      state.gate = new Promise((resolve) => {
        release = resolve;
      });
      return () => {
        state.gate = undefined;
        release();
      };
    },
    requested(n = 1) {
      return new Promise((resolve) => {
        const check = () => (state.requests.length >= n ? resolve() : waiters.push(check));
        check();
      });
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

// Runs `fn(server)` with a JWKS server serving `keys`, closed afterwards.
async function withServer(keys, fn) {
  const server = await startJwksServer(keys);
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

// A server speaking raw HTTP, for status lines and heads Node's http cannot
// produce: once a request's head is in, it writes `response` (or what
// `response()` returns then) and closes. `close()` ends open connections too.
async function startRawServer(response) {
  const sockets = new Set();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let seen = '';
    socket.on('data', function onData(data) {
      seen += data;
      if (!seen.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      socket.end(typeof response === 'function' ? response() : response);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/jwks`,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

// A port on 127.0.0.1 nothing listens on.
async function closedPort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// Resolves once `condition()` holds, checking on each turn of the event loop.
async function until(condition) {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

module.exports = { until, startJwksServer, withServer, startRawServer, closedPort };
