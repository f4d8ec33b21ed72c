'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const https = require('node:https');
const { execFile } = require('node:child_process');
const path = require('node:path');
const jwksClient = require('..');
const { generate } = require('./helpers/keys');
const { pki } = require('./helpers/pki');
const { startTlsJwksServer } = require('./helpers/tls-server');
const { startProxy } = require('./helpers/proxy');
const { startJwksServer } = require('./helpers/server');

const key = generate('ES256', 'tls-key');
// An untrusted server: the native TLS names the leaf it could not verify; the
// WebAssembly build verifies with Node's tls, which (as for jwks-rsa) names
// the test CA the server sends along with its certificate (README, WebAssembly fallback).
let mtls;
let tls;
let plain;
let proxy;
before(async () => {
  mtls = await startTlsJwksServer([key.jwk], { requireClientCert: true });
  tls = await startTlsJwksServer([key.jwk]);
  plain = await startJwksServer([key.jwk]);
  proxy = await startProxy();
});
after(async () => {
  await Promise.all([mtls.close(), tls.close(), plain.close(), proxy.close()]);
});

function runChild(script, env) {
  const main = path.join(__dirname, '..');
  return new Promise((resolve) => {
    execFile(process.execPath, ['-e', script], { env: { ...process.env, ...env, JWKS_MAIN: main } }, (err, stdout, stderr) =>
      resolve({ code: err ? err.code : 0, stdout: stdout.trim(), stderr }),
    );
  });
}

test('native TLS with the `ca`, `cert` and `key` options reaches a mutual-TLS endpoint', async () => {
  const { ca, clientCert, clientKey } = pki();
  const client = jwksClient({ jwksUri: mtls.url, ca, cert: clientCert, key: clientKey });
  assert.equal((await client.getSigningKey('tls-key')).publicKey, key.pem);
  assert.equal(mtls.requests.at(-1).clientCert.CN, 'api-client');
});

test('without a client certificate the mutual-TLS endpoint is unavailable', async () => {
  const client = jwksClient({ jwksUri: mtls.url, ca: pki().ca });
  await assert.rejects(client.getSigningKey('tls-key'), { isEndpointUnavailable: true });
});

// The server sends its CA along (Node's server does with `ca`): Node's https
// reports SELF_SIGNED_CERT_IN_CHAIN for that.
test('a private CA is not trusted unless given', async () => {
  await assert.rejects(jwksClient({ jwksUri: tls.url }).getSigningKey('tls-key'), {
    message: 'self-signed certificate in certificate chain',
    code: 'SELF_SIGNED_CERT_IN_CHAIN',
    isEndpointUnavailable: true,
  });
});

test('unusable TLS options are an ArgumentError from the constructor', () => {
  assert.throws(() => jwksClient({ jwksUri: tls.url, ca: 'not a certificate' }), { name: 'ArgumentError' });
  assert.throws(() => jwksClient({ jwksUri: tls.url, cert: pki().clientCert }), {
    name: 'ArgumentError',
    message: 'Mutual TLS needs both `cert` and `key`',
  });
});

test('a requestAgent carrying CA and client certificate fetches through Node https', async () => {
  const { ca, clientCert, clientKey } = pki();
  const requestAgent = new https.Agent({ ca, cert: clientCert, key: clientKey });
  const client = jwksClient({ jwksUri: mtls.url, requestAgent });
  assert.equal((await client.getSigningKey('tls-key')).publicKey, key.pem);
  requestAgent.destroy();
});

test('a CA given only through NODE_EXTRA_CA_CERTS is trusted by native TLS', async () => {
  const script = `require(process.env.JWKS_MAIN)({ jwksUri: '${tls.url}' }).getSigningKey('tls-key')
    .then((k) => console.log(k.kid), (e) => { console.log(e.code || e.message); process.exitCode = 1; });`;
  const trusted = await runChild(script, { NODE_EXTRA_CA_CERTS: pki().caFile });
  assert.deepEqual([trusted.code, trusted.stdout], [0, 'tls-key']);
  const untrusted = await runChild(script, { NODE_EXTRA_CA_CERTS: '' });
  assert.equal(untrusted.stdout, 'SELF_SIGNED_CERT_IN_CHAIN');
});

test('the `proxy` option sends plain HTTP through the proxy in absolute form', async () => {
  proxy.seen.length = 0;
  const client = jwksClient({ jwksUri: plain.url, proxy: proxy.url });
  await client.getSigningKey('tls-key');
  assert.deepEqual(
    proxy.seen.map((s) => [s.method, s.target]),
    [['GET', plain.url]],
  );
});

test('the `proxy` option tunnels HTTPS with CONNECT', async () => {
  proxy.seen.length = 0;
  const client = jwksClient({ jwksUri: tls.url, proxy: proxy.url, ca: pki().ca });
  await client.getSigningKey('tls-key');
  assert.deepEqual(
    proxy.seen.map((s) => [s.method, s.target]),
    [['CONNECT', `127.0.0.1:${tls.port}`]],
  );
});

test('proxy credentials from the URL are sent, and a refusal is reported', async () => {
  const locked = await startProxy({ requireAuth: `Basic ${Buffer.from('user:p@ss').toString('base64')}` });
  try {
    const port = new URL(locked.url).port;
    const ok = jwksClient({ jwksUri: tls.url, proxy: `http://user:p%40ss@127.0.0.1:${port}`, ca: pki().ca });
    await ok.getSigningKey('tls-key');
    const refused = jwksClient({ jwksUri: tls.url, proxy: locked.url, ca: pki().ca });
    await assert.rejects(refused.getSigningKey('tls-key'), {
      name: 'JwksError',
      message: /^Proxy refused the tunnel: HTTP\/1.1 407/,
      isEndpointUnavailable: true,
    });
    const plainRefused = jwksClient({ jwksUri: plain.url, proxy: locked.url });
    await assert.rejects(plainRefused.getSigningKey('tls-key'), { name: 'JwksError', message: 'Proxy Authentication Required' });
  } finally {
    await locked.close();
  }
});

test('a proxy agent as requestAgent tunnels through the proxy', async () => {
  proxy.seen.length = 0;
  // https-proxy-agent verifies the endpoint with Node's store: the test CA
  // goes in through NODE_EXTRA_CA_CERTS, in a process of its own.
  const script = `const { HttpsProxyAgent } = require(${JSON.stringify(require.resolve('https-proxy-agent'))});
    const requestAgent = new HttpsProxyAgent('${proxy.url}');
    require(process.env.JWKS_MAIN)({ jwksUri: '${tls.url}', requestAgent }).getSigningKey('tls-key')
      .then((k) => console.log(k.kid), (e) => { console.log(e.message); process.exitCode = 1; });`;
  const result = await runChild(script, { NODE_EXTRA_CA_CERTS: pki().caFile });
  assert.deepEqual([result.code, result.stdout], [0, 'tls-key'], result.stderr);
  assert.deepEqual(
    proxy.seen.map((s) => [s.method, s.target]),
    [['CONNECT', `127.0.0.1:${tls.port}`]],
  );
});

test('HTTPS_PROXY and HTTP_PROXY are honoured, NO_PROXY and useEnvProxy: false bypass them', async () => {
  const script = (options) => `const c = require(process.env.JWKS_MAIN)(${options});
    c.getSigningKey('tls-key').then((k) => console.log(k.kid), (e) => { console.log(e.message); process.exitCode = 1; });`;
  const env = { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, NO_PROXY: '' };
  const tlsOptions = `{ jwksUri: '${tls.url}', ca: ${JSON.stringify(pki().ca)} }`;
  const cases = [
    [tlsOptions, env, ['CONNECT']],
    [`{ jwksUri: '${plain.url}' }`, env, ['GET']],
    [tlsOptions, { ...env, NO_PROXY: 'localhost,127.0.0.1' }, []],
    [`{ jwksUri: '${plain.url}', useEnvProxy: false }`, env, []],
  ];
  for (const [options, childEnv, expected] of cases) {
    proxy.seen.length = 0;
    const result = await runChild(script(options), childEnv);
    assert.deepEqual([result.code, result.stdout], [0, 'tls-key'], result.stderr);
    assert.deepEqual(
      proxy.seen.map((s) => s.method),
      expected,
      `${options} ${JSON.stringify(childEnv)}`,
    );
  }
});
