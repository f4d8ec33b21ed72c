'use strict';

// The response head limit of Node's http (16 KiB, or `--max-http-header-size`),
// which jwks-rsa meets through Node's http: the native transport refuses a
// larger head with the error Node's parser raises, and takes any head Node takes.

const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('child_process');
const { withoutBackendNotes } = require('./helpers/backend');
const jwksRsa = require('jwks-rsa');
const jwksClient = require('..');
const { generate } = require('./helpers/keys');
const { startRawServer } = require('./helpers/server');

const key = generate('RS256', 'k1');
const body = JSON.stringify({ keys: [key.jwk] });

// A raw server whose answer carries one `X-Big` header of `size` bytes.
let size = 0;
let server;
const listening = startRawServer(
  () => `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nConnection: close\r\nX-Big: ${'a'.repeat(size)}\r\n\r\n${body}`,
).then((raw) => {
  server = raw;
});
after(() => server.close());
const url = () => server.url;

// What a lookup ends with, as far as an application can tell errors apart.
async function outcome(make) {
  try {
    const found = await make({ jwksUri: url(), cache: false }).getSigningKey('k1');
    return { kid: found.kid };
  } catch (err) {
    return {
      class: err.constructor.name,
      name: err.name,
      message: err.message,
      code: err.code,
      isEndpointUnavailable: err.isEndpointUnavailable,
    };
  }
}

// Node counts the reason phrase and each header's name and value, and fails
// once the count reaches the limit: the largest `X-Big` value it takes under `limit`.
function largestUnder(limit) {
  const counted =
    'OK'.length + 'Content-Length'.length + String(body.length).length + 'Connection'.length + 'close'.length + 'X-Big'.length;
  return limit - 1 - counted;
}

test('a 60 KiB response header fails as it does with jwks-rsa', async () => {
  await listening;
  size = 60 * 1024;
  const expected = await outcome(jwksRsa);
  assert.deepEqual(expected, {
    class: 'Error',
    name: 'Error',
    message: 'Parse Error: Header overflow',
    code: 'HPE_HEADER_OVERFLOW',
    isEndpointUnavailable: true,
  });
  assert.deepEqual(await outcome(jwksClient), expected);
});

test('a 15 KiB response header is read', async () => {
  await listening;
  size = 15 * 1024;
  assert.deepEqual(await outcome(jwksClient), { kid: 'k1' });
});

test('at the limit, one byte either side, as with jwks-rsa', async () => {
  await listening;
  for (const [extra, kid] of [
    [0, 'k1'],
    [1, undefined],
  ]) {
    size = largestUnder(16 * 1024) + extra;
    const expected = await outcome(jwksRsa);
    assert.equal(expected.kid, kid, `jwks-rsa with ${size} bytes`);
    assert.deepEqual(await outcome(jwksClient), expected, `${size} bytes`);
  }
});

// Runs a lookup against a `size`-byte header in a child Node with `flags`,
// with this package and with jwks-rsa: prints both outcomes.
function inChild(flags, bytes) {
  const script = `
    const make = { native: require(${JSON.stringify(require.resolve('..'))}), 'jwks-rsa': require(${JSON.stringify(require.resolve('jwks-rsa'))}) };
    (async () => {
      const out = [];
      for (const name of ['native', 'jwks-rsa']) {
        try {
          const k = await make[name]({ jwksUri: ${JSON.stringify(url())}, cache: false }).getSigningKey('k1');
          out.push(k.kid);
        } catch (err) {
          out.push(err.code);
        }
      }
      console.log(require('http').maxHeaderSize, out.join(' '));
    })();
  `;
  size = bytes;
  const child = spawn(process.execPath, [...flags, '-e', script], { cwd: __dirname, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out, err: withoutBackendNotes(err) })));
}

test('with --max-http-header-size=65536 a 60 KiB header is read', async () => {
  await listening;
  const run = await inChild(['--max-http-header-size=65536'], 60 * 1024);
  assert.deepEqual(run, { code: 0, out: '65536 k1 k1\n', err: '' });
});

test('with --max-http-header-size=8192 a 10 KiB header fails', async () => {
  await listening;
  const run = await inChild(['--max-http-header-size=8192'], 10 * 1024);
  assert.deepEqual(run, { code: 0, out: '8192 HPE_HEADER_OVERFLOW HPE_HEADER_OVERFLOW\n', err: '' });
});
