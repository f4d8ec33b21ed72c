'use strict';

const timers = require('timers');
const { JwksError } = require('./errors');
const { authority, openTunnel } = require('./node-tunnel');
const freshness = require('./freshness');

// A JWKS fetch through Node's own http/https: used with a `requestAgent`
// (an agent is a JavaScript object), while a library such as nock
// intercepts Node's http, so test suites that mock the endpoint keep
// working, and for every fetch of the WebAssembly build, which has no
// sockets (then with the `proxy` and the `ca`/`cert`/`key` TLS options).
// Same answers as the native client: status text or `Http Error <n>` as a
// JwksError, a deadline for the whole request, a cap on the body, and a
// settled promise whatever the connection does.

// Fake timers must not freeze the deadline.
const { setTimeout: realSetTimeout, clearTimeout: realClearTimeout } = timers;

// Node's timers fire at once for delays past 2^31-1 ms: such a deadline never comes.
const LONGEST_TIMER = 2 ** 31 - 1;

function startTimer(ms, onExpiry) {
  return ms <= LONGEST_TIMER ? realSetTimeout(onExpiry, ms) : undefined;
}

function hasHeader(headers, name) {
  return Object.keys(headers || {}).some((h) => h.toLowerCase() === name);
}

// Request options for the endpoint: straight to it, through a proxy in
// absolute form (plain HTTP), or over an open tunnel (HTTPS).
function requestOptions(url, { headers, agent, proxy, tls }, tunnel) {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const options = { hostname: host, port: url.port, path: url.pathname + url.search, method: 'GET' };
  if (headers) options.headers = headers;
  if (agent) return { ...options, agent };
  if (tls) Object.assign(options, tls);
  if (tunnel) {
    const net = require('net');
    const secure = { ...tls, socket: tunnel, host, ...(net.isIP(host) === 0 && { servername: host }) };
    options.createConnection = () => require('tls').connect(secure);
  } else if (proxy && url.protocol === 'http:') {
    const port = Number(url.port) || 80;
    options.hostname = proxy.host;
    options.port = proxy.port;
    options.path = `http://${authority(host, port)}${options.path}`;
    options.headers = { ...(proxy.authorization && { 'Proxy-Authorization': proxy.authorization }), ...headers };
    if (!hasHeader(headers, 'host')) options.headers.Host = url.host;
  }
  return options;
}

// What Node raises for a request destroyed before its response ended, and
// what the native client reports when `timeout` expires.
function hangUp() {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
}

function nodeFetch(request) {
  const { uri, timeout, maxResponseBytes, proxy, agent, conditional } = request;
  return new Promise((resolve, reject) => {
    const url = new URL(uri);
    const https = url.protocol === 'https:';
    let current;
    let settled = false;
    const settle = (fn, value) => {
      if (settled) return;
      settled = true;
      realClearTimeout(timer);
      fn(value);
    };
    // The deadline covers the whole request, tunnel included, whatever
    // the connection is doing (even trickling a body).
    const timer = startTimer(timeout, () => {
      settle(reject, hangUp());
      if (current) current.destroy();
    });
    const send = (tunnel) => {
      const lib = https ? require('https') : require('http');
      const req = lib.request(requestOptions(url, request, tunnel), (res) => {
        if (conditional && conditional.sent && res.statusCode === 304) {
          res.resume();
          settle(resolve, freshness.reply(res));
          return;
        }
        const status = /** @type {number} */ (res.statusCode);
        if (status < 200 || status >= 300) {
          res.resume();
          settle(reject, new JwksError(res.statusMessage || `Http Error ${res.statusCode}`));
          return;
        }
        readBody(res, maxResponseBytes).then(
          (body) => settle(resolve, conditional ? freshness.reply(res, body) : body),
          (err) => {
            settle(reject, err);
            req.destroy();
          },
        );
      });
      current = req;
      req.on('error', (err) => settle(reject, err));
      req.end();
    };
    if (proxy && https && !agent) {
      const target = { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port) || 443 };
      current = openTunnel(
        proxy,
        target,
        () => settled,
        (err, socket) => {
          if (err) settle(reject, err);
          else if (settled) socket.destroy();
          else send(socket);
        },
      );
    } else {
      send();
    }
  });
}

// Rejects with what the native client reports when `promise` outlasts
// `timeout` ms (a `fetcher` in the WebAssembly build).
function withDeadline(promise, timeout) {
  const ms = Math.floor(timeout);
  if (!(ms >= 1) || ms > LONGEST_TIMER) return promise;
  let timer;
  const expiry = new Promise((_, reject) => {
    timer = realSetTimeout(() => reject(new JwksError(`The JWKS fetch did not complete within the timeout of ${ms} ms`)), ms);
  });
  return Promise.race([promise, expiry]).finally(() => realClearTimeout(timer));
}

function readBody(res, limit) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    res.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) {
        // Rejected first: destroying the response emits 'aborted' at once.
        reject(new JwksError(`The JWKS response exceeded the limit of ${limit} bytes`));
        res.destroy();
        return;
      }
      chunks.push(chunk);
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('aborted', () => reject(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
    res.on('error', reject);
  });
}

// `http`, `https` (and with it `tls`) load on the first miss, not at
// require(): they were two thirds of this package's require() time.
// Interceptors replace `http.ClientRequest`; `_http_client` keeps Node's own.
let pristineClientRequest;
function clientRequestReplaced(http) {
  if (pristineClientRequest === undefined) {
    try {
      // @ts-expect-error: Node's internal module has no type declarations.
      pristineClientRequest = require('_http_client').ClientRequest;
    } catch {
      pristineClientRequest = http.ClientRequest;
    }
  }
  return http.ClientRequest !== pristineClientRequest;
}

// A stub (sinon, jest.spyOn, a hand-made patch) replaces `request`, which is
// what jwks-rsa calls. Node's own `http.request` and `https.request` are
// named `request` and construct a ClientRequest; a replacement does not.
// The answer is kept per function, so a miss pays for one comparison.
const requestChecked = new WeakMap();
function requestReplaced(request) {
  if (typeof request !== 'function') return true;
  let replaced = requestChecked.get(request);
  if (replaced === undefined) {
    const source = Function.prototype.toString.call(request);
    replaced = request.name !== 'request' || !/\bClientRequest\b/.test(source);
    requestChecked.set(request, replaced);
  }
  return replaced;
}

// `https` is only looked at once something has loaded it: until then
// nothing can have replaced it, and loading it would cost ~8 ms.
function httpsLoaded() {
  const list = /** @type {any} */ (process).moduleLoadList;
  return !Array.isArray(list) || list.includes('NativeModule https');
}

// Whether a fetch must go through Node's http to be seen by whatever
// intercepts or stubs it.
function httpIntercepted(https) {
  const http = require('http');
  if (clientRequestReplaced(http)) return true;
  if (https) return httpsLoaded() && requestReplaced(require('https').request);
  return requestReplaced(http.request);
}

module.exports = { nodeFetch, withDeadline, httpIntercepted };
