'use strict';

const fs = require('fs');
const http = require('http');
const https = require('https');
const path = require('path');

// An OpenID Connect provider on 127.0.0.1 hosting several tenants: each has
// a discovery document at `/<tenant>/.well-known/openid-configuration` and
// a key set at `/<tenant>/keys`. Any path's answer can be replaced, every
// request is counted by path, and `hold()` keeps answers back until released.

const CORPUS = path.join(__dirname, '..', '..', 'tests', 'fixtures', 'jwks');

/** A real provider's published key set from the repository's corpus. */
function corpusSet(name) {
  return JSON.parse(fs.readFileSync(path.join(CORPUS, `${name}.json`), 'utf8'));
}

async function startProvider({ tls } = {}) {
  const answers = new Map();
  const requests = [];
  let gate;
  const handler = (req, res) => {
    requests.push({ path: req.url, headers: req.headers });
    const send = () => {
      const answer = answers.get(req.url) || { status: 404, body: '' };
      res.statusCode = answer.status;
      res.setHeader('content-type', 'application/json');
      res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
    };
    if (gate) gate.then(send);
    else send();
  };
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `${tls ? 'https' : 'http'}://127.0.0.1:${server.address().port}`;

  return {
    origin,
    requests,
    /** Answers GET `path` with `body` (JSON unless a string) and `status`. */
    serve(pathname, body, status = 200) {
      answers.set(pathname, { body, status });
    },
    /** A tenant whose document names `/<name>/keys`, which serves `keys`. */
    tenant(name, keys) {
      const issuer = `${origin}/${name}/`;
      const tenant = {
        issuer,
        documentPath: `/${name}/.well-known/openid-configuration`,
        keysPath: `/${name}/keys`,
        jwksUri: `${origin}/${name}/keys`,
      };
      answers.set(tenant.documentPath, { status: 200, body: { issuer, jwks_uri: tenant.jwksUri } });
      answers.set(tenant.keysPath, { status: 200, body: { keys } });
      return tenant;
    },
    /** Requests for `pathname` so far. */
    count(pathname) {
      return requests.filter((r) => r.path === pathname).length;
    },
    hold() {
      let release;
      gate = new Promise((resolve) => {
        release = resolve;
      });
      return () => {
        gate = undefined;
        release();
      };
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

module.exports = { startProvider, corpusSet };
