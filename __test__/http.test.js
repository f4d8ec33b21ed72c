'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const jwksClient = require('..');
const upstream = require('jwks-rsa');
const { keyRing } = require('./helpers/keys');
const { withServer, startRawServer, closedPort } = require('./helpers/server');

test('only Host, Connection and the configured requestHeaders are sent, as jwks-rsa sends them', async () => {
  await withServer(
    keyRing().map((k) => k.jwk),
    async (server) => {
      const requestHeaders = { 'User-Agent': 'My-bot', 'X-Tenant': 'acme' };
      for (const options of [{}, { requestHeaders }]) {
        await upstream({ jwksUri: server.url, ...options }).getKeys();
        await jwksClient({ jwksUri: server.url, ...options }).getKeys();
      }
      const [bareTheirs, bareOurs, withTheirs, withOurs] = server.state.requests.map((r) => r.headers);
      assert.deepEqual(Object.keys(bareOurs).sort(), ['connection', 'host']);
      assert.deepEqual(bareOurs, bareTheirs);
      assert.equal(bareOurs.host, `127.0.0.1:${server.port}`);
      assert.equal(withOurs['user-agent'], 'My-bot');
      assert.equal(withOurs['x-tenant'], 'acme');
      assert.deepEqual(withOurs, withTheirs);
    },
  );
});

test('the path and query of jwksUri are requested as written', async () => {
  await withServer(
    keyRing().map((k) => k.jwk),
    async (server) => {
      await jwksClient({ jwksUri: `${server.url}?tenant=a&x=%20` }).getKeys();
      assert.equal(server.state.requests[0].url, '/.well-known/jwks.json?tenant=a&x=%20');
    },
  );
});

test('a non-2xx answer is a JwksError with its status text, marked endpoint-unavailable', async () => {
  await withServer([], async (server) => {
    const client = jwksClient({ jwksUri: server.url });
    server.state.status = 404;
    await assert.rejects(client.getSigningKey('a'), (err) => {
      assert.equal(err.name, 'JwksError');
      assert.equal(err.message, 'Not Found');
      assert.equal(err.isEndpointUnavailable, true);
      assert.deepEqual(Object.keys(err), ['name', 'message', 'isEndpointUnavailable']);
      return true;
    });
    server.state.status = 500;
    server.state.statusMessage = 'Server response error!!';
    await assert.rejects(client.getKeys(), { name: 'JwksError', message: 'Server response error!!' });
  });
});

test('a status without reason phrase is "Http Error <status>"', async () => {
  const raw = await startRawServer('HTTP/1.1 503 \r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
  try {
    await assert.rejects(jwksClient({ jwksUri: raw.url }).getSigningKey('a'), {
      name: 'JwksError',
      message: 'Http Error 503',
      isEndpointUnavailable: true,
    });
  } finally {
    await raw.close();
  }
});

test('redirects are not followed, as with Node http', async () => {
  await withServer([], async (server) => {
    server.state.handler = (req, res) => {
      res.writeHead(302, { location: '/elsewhere' });
      res.end();
    };
    await assert.rejects(jwksClient({ jwksUri: server.url }).getKeys(), { name: 'JwksError', message: 'Found' });
    assert.equal(server.count, 1);
  });
});

test('a body that is not JSON rejects with the SyntaxError JSON.parse raises', async () => {
  await withServer([], async (server) => {
    server.state.body = '<html>oops</html>';
    let expected;
    try {
      JSON.parse(server.state.body);
    } catch (err) {
      expected = err;
    }
    for (const call of ['getKeys', 'getSigningKeys', 'getSigningKey']) {
      await assert.rejects(jwksClient({ jwksUri: server.url })[call]('kid'), (err) => {
        assert.ok(err instanceof SyntaxError, call);
        assert.equal(err.message, expected.message);
        assert.equal(err.isEndpointUnavailable, true);
        return true;
      });
    }
  });
});

test('an empty 200 body reads as no keys', async () => {
  await withServer([], async (server) => {
    server.state.body = '';
    const client = jwksClient({ jwksUri: server.url });
    assert.equal(await client.getKeys(), undefined);
    await assert.rejects(client.getSigningKey('a'), {
      name: 'JwksError',
      message: 'The JWKS endpoint did not contain any keys',
    });
  });
});

test('a refused connection reads like Node: connect ECONNREFUSED with its fields', async () => {
  const port = await closedPort();
  await assert.rejects(jwksClient({ jwksUri: `http://127.0.0.1:${port}/jwks` }).getSigningKey('a'), (err) => {
    assert.equal(err.constructor, Error);
    assert.equal(err.message, `connect ECONNREFUSED 127.0.0.1:${port}`);
    assert.equal(err.code, 'ECONNREFUSED');
    assert.equal(err.errno, -111);
    assert.equal(err.syscall, 'connect');
    assert.equal(err.address, '127.0.0.1');
    assert.equal(err.port, port);
    assert.equal(err.isEndpointUnavailable, true);
    return true;
  });
});

test('an invalid jwksUri is an ArgumentError raised by the lookup, not the constructor', async () => {
  for (const jwksUri of ['not-a-valid-url', undefined, 'ftp://127.0.0.1/jwks']) {
    const client = jwksClient({ jwksUri });
    await assert.rejects(client.getSigningKey('a'), {
      name: 'ArgumentError',
      message: 'Invalid JWKS URI: The provided URI is not a valid URL.',
      isEndpointUnavailable: true,
    });
  }
});

test('timeout bounds the whole request, even against an endpoint that trickles', async () => {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const timer = setInterval(() => res.write(' '), 50);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const started = Date.now();
    const client = jwksClient({ jwksUri: `http://127.0.0.1:${server.address().port}/`, timeout: 300 });
    await assert.rejects(client.getSigningKey('a'), {
      message: 'socket hang up',
      code: 'ECONNRESET',
      isEndpointUnavailable: true,
    });
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 280 && elapsed < 2000, `rejected after ${elapsed} ms`);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test('a response larger than maxResponseBytes is refused without reading it all', async () => {
  await withServer([], async (server) => {
    server.state.body = JSON.stringify({ keys: [], pad: 'x'.repeat(4096) });
    const client = jwksClient({ jwksUri: server.url, maxResponseBytes: 1024 });
    await assert.rejects(client.getKeys(), {
      name: 'JwksError',
      message: 'The JWKS response exceeded the limit of 1024 bytes',
      isEndpointUnavailable: true,
    });
    server.state.handler = (req, res) => {
      res.writeHead(200);
      res.write('{"keys":[');
      const chunk = 'x'.repeat(512);
      const timer = setInterval(() => res.write(chunk), 5);
      res.on('close', () => clearInterval(timer));
    };
    await assert.rejects(client.getKeys(), { message: 'The JWKS response exceeded the limit of 1024 bytes' });
  });
});

test("invalid requestHeaders fail each fetch with Node's own error", async () => {
  const client = jwksClient({ jwksUri: 'http://127.0.0.1:1/', requestHeaders: { 'bad header': 'x' } });
  await assert.rejects(client.getSigningKey('a'), (err) => {
    assert.equal(err.code, 'ERR_INVALID_HTTP_TOKEN');
    assert.equal(err.isEndpointUnavailable, true);
    return true;
  });
});
