'use strict';

const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

// A private CA, a server certificate for 127.0.0.1/localhost and a client
// certificate, made with the openssl command line once per test process.

function openssl(args, cwd) {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function issue(dir, name, subject, extensions, days = 2) {
  openssl(
    [
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-subj',
      subject,
      '-out',
      `${name}.csr`,
    ],
    dir,
  );
  fs.writeFileSync(path.join(dir, `${name}.ext`), extensions);
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      String(days),
      '-sha256',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    ],
    dir,
  );
}

let cached;
function pki() {
  if (cached) return cached;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jwks-pki-'));
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'ca.key',
      '-subj',
      '/CN=Test Root CA',
      '-days',
      '2',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-out',
      'ca.pem',
    ],
    dir,
  );
  issue(
    dir,
    'server',
    '/CN=localhost',
    'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n',
  );
  issue(dir, 'client', '/CN=api-client', 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n');
  const read = (file) => fs.readFileSync(path.join(dir, file), 'utf8');
  cached = {
    dir,
    caFile: path.join(dir, 'ca.pem'),
    ca: read('ca.pem'),
    serverCert: read('server.pem'),
    serverKey: read('server.key'),
    clientCert: read('client.pem'),
    clientKey: read('client.key'),
  };
  return cached;
}

// Certificates Node's https refuses, each for its own reason, for comparing
// how failures are reported: { name: { cert, key } }.
let refused;
function refusedCertificates() {
  if (refused) return refused;
  const { dir, ca } = pki();
  const server = 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n';
  issue(dir, 'expired', '/CN=localhost', `${server}subjectAltName=IP:127.0.0.1\n`, -1);
  issue(dir, 'othername', '/CN=other.example', `${server}subjectAltName=DNS:other.example,IP:10.0.0.1\n`);
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'self.key',
      '-subj',
      '/CN=localhost',
      '-days',
      '2',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-addext',
      'basicConstraints=CA:FALSE',
      '-out',
      'self.pem',
    ],
    dir,
  );
  const read = (file) => fs.readFileSync(path.join(dir, file), 'utf8');
  const pair = (name) => ({ cert: read(`${name}.pem`), key: read(`${name}.key`) });
  refused = {
    selfSigned: pair('self'),
    expired: pair('expired'),
    otherName: pair('othername'),
    // The CA sent along and not trusted by the client.
    chainToUntrustedRoot: { cert: read('server.pem') + ca, key: read('server.key') },
    unknownIssuer: pair('server'),
  };
  return refused;
}

module.exports = { pki, refusedCertificates };
