'use strict';

const fs = require('fs');
const path = require('path');
const { startJwksServer } = require('./server');

// A JWKS endpoint that validates as a real origin does: it sends the
// caching headers a test puts in `origin.headers` (ETag, Last-Modified,
// Cache-Control, ...), answers `304 Not Modified` when If-None-Match
// matches the current ETag (or, without If-None-Match, when
// If-Modified-Since equals Last-Modified), and counts its 304s. With
// `origin.always304` it answers 304 to everything, as a broken one might;
// with `state.status` other than 200, that status and no body.
async function startRevalidatingServer(keys = [], headers = {}) {
  const server = await startJwksServer(keys);
  const origin = { headers: { ...headers }, notModified: 0, always304: false };
  server.state.handler = (req, res) => {
    for (const [name, value] of Object.entries(origin.headers)) {
      if (value !== undefined) res.setHeader(name, value);
    }
    if (server.state.status !== 200) {
      res.statusCode = server.state.status;
      res.end();
      return;
    }
    if (origin.always304 || unchanged(req.headers, origin.headers)) {
      origin.notModified++;
      res.statusCode = 304;
      res.end();
      return;
    }
    res.setHeader('content-type', 'application/json');
    const { body, keys: current } = server.state;
    res.end(body !== undefined ? body : JSON.stringify({ keys: current }));
  };
  // Back to a healthy origin serving `keys` with `headers`, no request seen.
  const reset = (keys, headers = {}) => {
    Object.assign(server.state, { keys, body: undefined, status: 200 });
    server.state.requests.length = 0;
    Object.assign(origin, { headers: { ...headers }, notModified: 0, always304: false });
  };
  return Object.assign(server, { origin, reset });
}

function unchanged(request, headers) {
  const etag = headers.ETag;
  const lastModified = headers['Last-Modified'];
  if (request['if-none-match'] !== undefined) return etag !== undefined && request['if-none-match'] === etag;
  return lastModified !== undefined && request['if-modified-since'] === lastModified;
}

// A key set published by a real identity provider (tests/fixtures/jwks, see
// its SOURCES.md), as text.
function corpus(name) {
  return fs.readFileSync(path.join(__dirname, '..', '..', 'tests', 'fixtures', 'jwks', `${name}.json`), 'utf8');
}

module.exports = { startRevalidatingServer, corpus };
