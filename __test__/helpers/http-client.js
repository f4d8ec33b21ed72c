'use strict';

const http = require('http');

// A fresh connection per request (no keep-alive), so every app can close at
// once after its tests.

/** GET `url` with `token` as Bearer credentials: `{ status, body }`. */
function callApi(url, token) {
  const headers = token === undefined ? {} : { authorization: `Bearer ${token}` };
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode, body: parseBody(text) }));
    });
    req.on('error', reject);
  });
}

function parseBody(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Listens on 127.0.0.1 with `handler`: `{ url, close }` for its /api route. */
async function listen(handler) {
  const server = http.createServer(handler);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/api`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

module.exports = { callApi, listen };
