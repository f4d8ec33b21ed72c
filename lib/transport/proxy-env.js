'use strict';

const { createLogger } = require('../observe/debug');

// The forward proxy for a JWKS endpoint: the `proxy` option, else (unless
// `useEnvProxy: false`) http(s)_proxy / all_proxy and no_proxy as curl reads
// them. jwks-rsa reads none, so nothing there may break a fetch: what cannot
// be used is skipped with a DEBUG=jwks line.

let debugLog;
const defaultLog = (line) => {
  debugLog = debugLog || createLogger('jwks');
  debugLog(line);
};

// curl's lookup order: lowercase first. Under CGI (REQUEST_METHOD set) a
// request's `Proxy:` header arrives as HTTP_PROXY ("httpoxy"), so the
// uppercase http_proxy is not trusted there.
function envVariable(env, name) {
  if (env[name]) return { name, value: env[name] };
  const upper = name.toUpperCase();
  if (upper === 'HTTP_PROXY' && env.REQUEST_METHOD !== undefined) return undefined;
  return env[upper] ? { name: upper, value: env[upper] } : undefined;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

function parseProxy(raw) {
  const url = new URL(SCHEME.test(raw) ? raw : `http://${raw}`);
  if (url.protocol !== 'http:') {
    throw new TypeError(`Unsupported proxy protocol "${url.protocol}" in ${url.origin}: only http: proxies are supported`);
  }
  const proxy = { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port ? Number(url.port) : 80 };
  if (url.username) {
    const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    proxy.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  }
  return proxy;
}

// An environment value is an http:// URL or a scheme-less `host:port`; a
// bare word (`garbage`) is more likely a mistake than a proxy's name.
function parseEnvProxy({ name, value }, log) {
  try {
    if (!SCHEME.test(value) && !/:\d+\/?$/.test(value)) throw new TypeError('no scheme and no port');
    return parseProxy(value);
  } catch (/** @type {any} */ err) {
    log(`Ignoring the proxy environment variable ${name}=${value}: ${err.message}`);
    return undefined;
  }
}

// `net` loads on first use: it costs ~3 ms of require().
const ipFamily = (host) => ({ 4: 'ipv4', 6: 'ipv6' })[require('net').isIP(host)];

// A no_proxy entry as a test of the target, or the reason it cannot be used.
function parseEntry(entry) {
  if (entry === '*') return () => true;
  if (entry.includes('/')) {
    const [address, prefix, extra] = entry.split('/');
    const family = ipFamily(address);
    const bits = /^\d+$/.test(prefix) ? Number(prefix) : NaN;
    if (extra !== undefined || !family || !(bits <= (family === 'ipv6' ? 128 : 32))) return 'not an address range';
    return inRange(address, bits, family);
  }
  const bracketed = /^\[([^\]]*)\](?::(\d+))?$/.exec(entry);
  if (bracketed && ipFamily(bracketed[1]) !== 'ipv6') return 'not an IPv6 address';
  if (!bracketed && /[[\]]/.test(entry)) return 'not a host';
  // `[v6]:port`, a bare IPv6 address, `host:port` or `host`; `*.host` and `.host` are `host`.
  const [, raw, port] = bracketed || (ipFamily(entry) !== 'ipv6' && /^(.*):(\d+)$/.exec(entry)) || [entry, entry];
  const host = raw.replace(/^\*?\./, '');
  const onPort = (target) => !Number(port) || Number(port) === target.port;
  if (ipFamily(host) === 'ipv6') {
    const same = inRange(host, 128, 'ipv6');
    return (target) => onPort(target) && ipFamily(target.host) === 'ipv6' && same(target);
  }
  return (target) => onPort(target) && `.${target.host.toLowerCase()}`.endsWith(`.${host}`);
}

function inRange(address, bits, family) {
  const range = new (require('net').BlockList)();
  range.addSubnet(address, bits, family);
  return ({ host }) => {
    const hostFamily = ipFamily(host);
    return hostFamily !== undefined && range.check(host, hostFamily);
  };
}

function bypassed(target, noProxy, log) {
  const entries = noProxy ? noProxy.value.toLowerCase().split(/[\s,]+/) : [];
  for (const entry of entries.filter(Boolean)) {
    const rule = parseEntry(entry);
    if (typeof rule !== 'function') log(`Ignoring ${noProxy.name} entry '${entry}': ${rule}`);
    else if (rule(target)) return true;
  }
  return false;
}

// `target` is { https, host, port }. Returns the proxy parts, or undefined.
function proxyFor(target, options, env = process.env, log = defaultLog) {
  if (options.proxy) return parseProxy(String(options.proxy));
  if (options.useEnvProxy === false) return undefined;
  const variable = envVariable(env, target.https ? 'https_proxy' : 'http_proxy') || envVariable(env, 'all_proxy');
  if (!variable || bypassed(target, envVariable(env, 'no_proxy'), log)) return undefined;
  return parseEnvProxy(variable, log);
}

module.exports = { proxyFor };
