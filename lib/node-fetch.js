'use strict';

const timers = require('timers');
const { JwksError } = require('./errors');

// A JWKS fetch through Node's own http/https: used with a `requestAgent`
// (an agent is a JavaScript object) and while a library such as nock
// intercepts Node's http, so test suites that mock the endpoint keep
// working. Same answers as the native client: status text or
// `Http Error <n>` as a JwksError, a deadline for the whole request, a cap
// on the body, and a settled promise whatever the connection does.

// Fake timers must not freeze the deadline.
const { setTimeout: realSetTimeout, clearTimeout: realClearTimeout } = timers;

function requestOptions(url, headers, agent) {
  return {
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port,
    path: url.pathname + url.search,
    method: 'GET',
    ...(headers && { headers }),
    ...(agent && { agent }),
  };
}

function nodeFetch({ uri, headers, agent, timeout, maxResponseBytes }) {
  return new Promise((resolve, reject) => {
    const url = new URL(uri);
    const lib = url.protocol === 'https:' ? require('https') : require('http');
    let timer;
    const settle = (fn, value) => {
      realClearTimeout(timer);
      fn(value);
    };
    const req = lib.request(requestOptions(url, headers, agent), (res) => {
      if (res.statusCode < 200 || res.statusCode >= 300) {
        res.resume();
        settle(reject, new JwksError(res.statusMessage || `Http Error ${res.statusCode}`));
        return;
      }
      readBody(res, maxResponseBytes).then(
        (body) => settle(resolve, body),
        (err) => {
          req.destroy();
          settle(reject, err);
        },
      );
    });
    req.on('error', (err) => settle(reject, err));
    timer = realSetTimeout(() => req.destroy(), timeout);
    req.end();
  });
}

function readBody(res, limit) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    res.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) {
        res.destroy();
        reject(new JwksError(`The JWKS response exceeded the limit of ${limit} bytes`));
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
  const list = process.moduleLoadList;
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

module.exports = { nodeFetch, httpIntercepted };
