'use strict';

const { JwksError } = require('../errors');
const { openTunnel } = require('./node-tunnel');
const freshness = require('./freshness');

// A JWKS fetch through Node's http/https that answers as the native client
// does: for a `requestAgent`, while something (nock) intercepts Node's http,
// and for every fetch of the WebAssembly build, which has no sockets (then
// with the `proxy` and `ca`/`cert`/`key` options).

// Taken at load: fake timers must not freeze the deadline.
const { setTimeout: realSetTimeout, clearTimeout: realClearTimeout } = require('timers');
// Node's timers fire at once for longer delays: such a deadline never comes.
const { MAX_TIMER_MS } = require('../config/constants');

// Request options for the endpoint: straight to it, through a proxy in
// absolute form (plain HTTP), or over an open tunnel (HTTPS).
function requestOptions(url, { headers, agent, proxy, tls }, tunnel) {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const options = { hostname: host, port: url.port, path: url.pathname + url.search, method: 'GET' };
  if (headers) options.headers = headers;
  if (agent) return { ...options, agent };
  if (tls) Object.assign(options, tls);
  if (tunnel) {
    const secure = { ...tls, socket: tunnel, host, ...(require('net').isIP(host) === 0 && { servername: host }) };
    options.createConnection = () => require('tls').connect(secure);
  } else if (proxy && url.protocol === 'http:') {
    options.hostname = proxy.host;
    options.port = proxy.port;
    options.path = `http://${url.hostname}:${Number(url.port) || 80}${options.path}`;
    options.headers = { ...(proxy.authorization && { 'Proxy-Authorization': proxy.authorization }), ...headers };
    if (!Object.keys(headers || {}).some((h) => h.toLowerCase() === 'host')) options.headers.Host = url.host;
  }
  return options;
}

// What the native side reads of a failed fetch to decide on a retry
// (`retry`): a non-2xx answer's status and Retry-After, else the code.
const answered = new WeakMap();
const failureOf = (err) => answered.get(err) || { code: typeof err?.code === 'string' ? err.code : undefined };

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
    // Whatever the connection is doing (even trickling a body), the deadline fails
    // as Node fails a request destroyed early, as the native client reports `timeout`.
    const expire = () => {
      settle(reject, Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
      if (current) current.destroy();
    };
    const timer = timeout <= MAX_TIMER_MS ? realSetTimeout(expire, timeout) : undefined;
    const send = (tunnel) => {
      const lib = https ? require('https') : require('http');
      const req = lib.request(requestOptions(url, request, tunnel), (res) => {
        const status = /** @type {number} */ (res.statusCode);
        const notModified = status === 304 && conditional && conditional.sent;
        if (notModified || status < 200 || status >= 300) {
          res.resume();
          if (notModified) return settle(resolve, freshness.reply(res));
          const err = new JwksError(res.statusMessage || `Http Error ${status}`);
          answered.set(err, { status, retryAfter: [res.headers['retry-after']].flat()[0] });
          return settle(reject, err);
        }
        const chunks = [];
        let size = 0;
        const fail = (err) => {
          settle(reject, err);
          req.destroy();
        };
        res.on('data', (chunk) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size > maxResponseBytes) {
            // Failed first: destroying the response emits 'aborted' at once.
            fail(new JwksError(`The JWKS response exceeded the limit of ${maxResponseBytes} bytes`));
            res.destroy();
          }
        });
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          settle(resolve, conditional ? freshness.reply(res, body) : body);
        });
        res.on('aborted', () => fail(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
        res.on('error', fail);
      });
      current = req;
      req.on('error', (err) => settle(reject, err));
      req.end();
    };
    if (!proxy || !https || agent) return send();
    const opened = (err, socket) => (err ? settle(reject, err) : send(socket));
    current = openTunnel(proxy, `${url.hostname}:${Number(url.port) || 443}`, () => settled, opened);
  });
}

// Rejects with what the native client reports when `promise` outlasts
// `timeout` ms (a `fetcher` in the WebAssembly build).
function withDeadline(promise, timeout) {
  const ms = Math.floor(timeout);
  if (!(ms >= 1) || ms > MAX_TIMER_MS) return promise;
  let timer;
  const expiry = new Promise((_, reject) => {
    timer = realSetTimeout(() => reject(new JwksError(`The JWKS fetch did not complete within the timeout of ${ms} ms`)), ms);
  });
  return Promise.race([promise, expiry]).finally(() => realClearTimeout(timer));
}

// Whether a fetch must go through Node's http to be seen by whatever
// intercepts or stubs it. `http` and `https` load here, at the first miss,
// not at require(), of whose time they were two thirds. Interceptors replace
// `http.ClientRequest`; `_http_client` keeps Node's own.
let pristineClientRequest;
function httpIntercepted(https) {
  const http = require('http');
  if (pristineClientRequest === undefined) {
    try {
      // @ts-expect-error: Node's internal module has no type declarations.
      pristineClientRequest = require('_http_client').ClientRequest;
    } catch {
      pristineClientRequest = http.ClientRequest;
    }
  }
  if (http.ClientRequest !== pristineClientRequest) return true;
  if (!https) return requestReplaced(http.request);
  // Until something loads `https`, nothing can have replaced it (loading it costs ~8 ms).
  const list = /** @type {any} */ (process).moduleLoadList;
  return (!Array.isArray(list) || list.includes('NativeModule https')) && requestReplaced(require('https').request);
}

// A stub (sinon, jest.spyOn) replaces `request`, which jwks-rsa calls. Node's
// own is named `request` and constructs a ClientRequest; a replacement does
// not. The answer is kept per function: a miss pays for one comparison.
const requestChecked = new WeakMap();
function requestReplaced(request) {
  if (typeof request !== 'function') return true;
  if (!requestChecked.has(request)) {
    const source = Function.prototype.toString.call(request);
    requestChecked.set(request, request.name !== 'request' || !/\bClientRequest\b/.test(source));
  }
  return requestChecked.get(request);
}

module.exports = { nodeFetch, failureOf, withDeadline, httpIntercepted };
