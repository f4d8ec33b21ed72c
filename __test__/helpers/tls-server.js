'use strict';

const https = require('https');
const { pki } = require('./pki');

// A JWKS endpoint over TLS on 127.0.0.1, signed by the test CA. With
// `requireClientCert`, only clients presenting a certificate of that CA get
// an answer (mutual TLS).
async function startTlsJwksServer(keys, { requireClientCert = false } = {}) {
  const { ca, serverCert, serverKey } = pki();
  const requests = [];
  const server = https.createServer(
    { cert: serverCert, key: serverKey, ca, requestCert: requireClientCert, rejectUnauthorized: requireClientCert },
    (req, res) => {
      requests.push({ url: req.url, headers: req.headers, clientCert: req.socket.getPeerCertificate().subject });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys }));
    },
  );
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    port,
    requests,
    url: `https://127.0.0.1:${port}/.well-known/jwks.json`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

module.exports = { startTlsJwksServer };
