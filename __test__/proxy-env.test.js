'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const path = require('node:path');
const { proxyFor } = require('../lib/transport/proxy-env');
const { generate } = require('./helpers/keys');
const { startProxy } = require('./helpers/proxy');
const { startJwksServer } = require('./helpers/server');

const target = (host, port = 443) => ({ https: true, host, port });
const PROXY = 'http://127.0.0.1:3128';

test('an environment proxy that cannot be parsed is ignored, never fatal', () => {
  for (const raw of ['garbage', 'http://[::1', 'http://', '://x', 'socks5://127.0.0.1:1080', 'https://127.0.0.1:3128']) {
    const lines = [];
    const proxy = proxyFor(target('issuer.example'), {}, { HTTPS_PROXY: raw }, (line) => lines.push(line));
    assert.equal(proxy, undefined, raw);
    assert.equal(lines.length, 1, raw);
    assert.match(lines[0], /^Ignoring the proxy environment variable HTTPS_PROXY=/);
  }
  // Scheme-less `host:port`, as curl and Go accept it.
  assert.deepEqual(proxyFor(target('issuer.example'), {}, { https_proxy: 'proxy.corp:3128' }), { host: 'proxy.corp', port: 3128 });
});

test('the `proxy` option itself still rejects what it cannot use', () => {
  assert.throws(() => proxyFor(target('issuer.example'), { proxy: 'socks5://127.0.0.1:1080' }, {}), TypeError);
});

test('no_proxy entries that are not addresses are ignored, the others still apply', () => {
  const lines = [];
  const log = (line) => lines.push(line);
  const env = { HTTPS_PROXY: PROXY, NO_PROXY: 'intranet/24, 10.0.0.0/99, [::1, 127.0.0.0/8' };
  assert.equal(proxyFor(target('127.0.0.9'), {}, env, log), undefined);
  assert.deepEqual(proxyFor(target('issuer.example'), {}, env, log), { host: '127.0.0.1', port: 3128 });
  assert.deepEqual(
    [...new Set(lines)],
    [
      "Ignoring NO_PROXY entry 'intranet/24': not an address range",
      "Ignoring NO_PROXY entry '10.0.0.0/99': not an address range",
      "Ignoring NO_PROXY entry '[::1': not a host",
    ],
  );
});

test('IPv6 no_proxy entries match with and without a port', () => {
  const env = (NO_PROXY) => ({ HTTPS_PROXY: PROXY, NO_PROXY });
  const cases = [
    ['[2001:db8::1]:443', '2001:db8::1', 443, true],
    ['[2001:db8::1]:443', '2001:db8::1', 8443, false],
    ['[2001:db8::1]', '2001:db8::1', 8443, true],
    ['2001:db8::1', '2001:db8::1', 443, true],
    ['2001:0db8:0::1', '2001:db8::1', 443, true],
    ['2001:db8::/32', '2001:db8::1', 443, true],
    ['[2001:db8::2]:443', '2001:db8::1', 443, false],
    ['issuer.example:443', 'issuer.example', 443, true],
    ['.example', 'issuer.example', 443, true],
    ['issuer.example:80', 'issuer.example', 443, false],
  ];
  for (const [entry, host, port, bypass] of cases) {
    assert.equal(proxyFor(target(host, port), {}, env(entry)) === undefined, bypass, `${entry} vs ${host}:${port}`);
  }
});

test('uppercase HTTP_PROXY is ignored under CGI (REQUEST_METHOD set), as curl does ("httpoxy")', () => {
  const plain = { https: false, host: 'issuer.example', port: 80 };
  assert.deepEqual(proxyFor(plain, {}, { HTTP_PROXY: PROXY }), { host: '127.0.0.1', port: 3128 });
  assert.equal(proxyFor(plain, {}, { HTTP_PROXY: PROXY, REQUEST_METHOD: 'GET' }), undefined);
  assert.deepEqual(proxyFor(plain, {}, { http_proxy: PROXY, REQUEST_METHOD: 'GET' }), { host: '127.0.0.1', port: 3128 });
  // HTTPS_PROXY cannot be set by a request header: it stays.
  assert.deepEqual(proxyFor(target('issuer.example'), {}, { HTTPS_PROXY: PROXY, REQUEST_METHOD: 'GET' }), {
    host: '127.0.0.1',
    port: 3128,
  });
});

const key = generate('ES256', 'env-key');
let server;
let proxy;
before(async () => {
  server = await startJwksServer([key.jwk]);
  proxy = await startProxy();
});
after(() => Promise.all([server.close(), proxy.close()]));

function runChild(env) {
  const script = `require(process.env.JWKS_MAIN)({ jwksUri: process.env.JWKS_URI }).getSigningKey('env-key')
    .then((k) => console.log(k.kid), (e) => { console.log(e.code || e.message); process.exitCode = 1; });`;
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/proxy|^DEBUG$/i.test(name)));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-e', script],
      { env: { ...clean, ...env, JWKS_MAIN: path.join(__dirname, '..'), JWKS_URI: server.url } },
      (err, stdout, stderr) => resolve({ code: err ? err.code : 0, stdout: stdout.trim(), stderr }),
    );
  });
}

test('with odd proxy variables set, fetches that worked still work and DEBUG=jwks says what was ignored', async () => {
  const cases = [
    [{ HTTP_PROXY: proxy.url, NO_PROXY: 'intranet/24,127.0.0.1' }, [], /Ignoring NO_PROXY entry 'intranet\/24'/],
    [{ HTTP_PROXY: 'garbage' }, [], /Ignoring the proxy environment variable HTTP_PROXY=garbage/],
    [{ HTTP_PROXY: 'http://[::1' }, [], /Ignoring the proxy environment variable HTTP_PROXY=http:\/\/\[::1/],
    [{ HTTP_PROXY: proxy.url, REQUEST_METHOD: 'GET' }, [], /^$/],
    [{ http_proxy: proxy.url, NO_PROXY: 'intranet/24' }, ['GET'], /Ignoring NO_PROXY entry 'intranet\/24'/],
  ];
  for (const [env, viaProxy, debug] of cases) {
    proxy.seen.length = 0;
    const result = await runChild({ ...env, DEBUG: 'jwks', DEBUG_COLORS: '' });
    assert.deepEqual([result.code, result.stdout], [0, 'env-key'], `${JSON.stringify(env)}\n${result.stderr}`);
    assert.deepEqual(
      proxy.seen.map((s) => s.method),
      viaProxy,
      JSON.stringify(env),
    );
    const proxyLines = result.stderr
      .split('\n')
      .filter((l) => /Ignoring/.test(l))
      .join('\n');
    assert.match(proxyLines, debug, JSON.stringify(env));
  }
});
