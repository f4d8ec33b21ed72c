'use strict';

const { createLogger } = require('./debug');

// The forward proxy for a JWKS endpoint: the `proxy` option, else (unless
// `useEnvProxy: false`) http_proxy / https_proxy / all_proxy and no_proxy
// from the environment, as curl reads them. jwks-rsa reads no environment
// proxy at all, so nothing found there may ever break a fetch: a value or
// entry that cannot be used is skipped with a DEBUG=jwks line.

let defaultLog;
function debugLog(line) {
  defaultLog = defaultLog || createLogger('jwks');
  if (defaultLog.enabled) defaultLog(line);
}

// curl's lookup order: lowercase first. Under CGI (REQUEST_METHOD set) a
// request's `Proxy:` header arrives as HTTP_PROXY ("httpoxy"), so the
// uppercase http_proxy is not trusted there.
function envVariable(env, name) {
  if (env[name]) return { name, value: env[name] };
  const upper = name.toUpperCase();
  if (upper === 'HTTP_PROXY' && env.REQUEST_METHOD !== undefined) return undefined;
  return env[upper] ? { name: upper, value: env[upper] } : undefined;
}

function parseProxy(raw) {
  const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  if (url.protocol !== 'http:') {
    throw new TypeError(`Unsupported proxy protocol "${url.protocol}" in ${url.origin}: only http: proxies are supported`);
  }
  const proxy = {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : 80,
  };
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
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value) && !/:\d+\/?$/.test(value)) throw new TypeError('no scheme and no port');
    const proxy = parseProxy(value);
    if (!proxy.host) throw new TypeError('no host');
    return proxy;
  } catch (/** @type {any} */ err) {
    log(`Ignoring the proxy environment variable ${name}=${value}: ${err.message}`);
    return undefined;
  }
}

// Loaded on first use, for address entries only: `net` costs ~3 ms of require().
const net = () => require('net');

function ipFamily(host) {
  const version = net().isIP(host);
  return version === 6 ? 'ipv6' : version === 4 ? 'ipv4' : undefined;
}

// A no_proxy entry as { host, port } or { range: BlockList }, or a reason
// it cannot be used.
function parseEntry(entry) {
  if (entry === '*') return { any: true };
  if (entry.includes('/')) {
    const [address, prefix, extra] = entry.split('/');
    const family = ipFamily(address);
    const bits = /^\d+$/.test(prefix) ? Number(prefix) : NaN;
    if (extra !== undefined || !family || !(bits <= (family === 'ipv6' ? 128 : 32))) return { invalid: 'not an address range' };
    const range = new (net().BlockList)();
    range.addSubnet(address, bits, family);
    return { range };
  }
  const bracketed = /^\[([^\]]*)\](?::(\d+))?$/.exec(entry);
  if (bracketed) {
    if (ipFamily(bracketed[1]) !== 'ipv6') return { invalid: 'not an IPv6 address' };
    return { host: bracketed[1], port: bracketed[2] && Number(bracketed[2]) };
  }
  if (/[[\]]/.test(entry)) return { invalid: 'not a host' };
  if (ipFamily(entry) === 'ipv6') return { host: entry };
  const withPort = /^(.*):(\d+)$/.exec(entry);
  const host = (withPort ? withPort[1] : entry).replace(/^\*?\./, '');
  return { host, port: withPort && Number(withPort[2]) };
}

function sameHost(target, host) {
  const name = target.host.toLowerCase();
  if (ipFamily(host) === 'ipv6') return sameIPv6(name, host);
  return name === host || name.endsWith(`.${host}`);
}

function sameIPv6(a, b) {
  if (ipFamily(a) !== 'ipv6') return false;
  const list = new (net().BlockList)();
  list.addAddress(b, 'ipv6');
  return list.check(a, 'ipv6');
}

function matches(target, rule) {
  if (rule.any) return true;
  if (rule.range) {
    const family = ipFamily(target.host);
    return family !== undefined && rule.range.check(target.host, family);
  }
  if (rule.port && rule.port !== target.port) return false;
  return sameHost(target, rule.host);
}

function bypassed(target, noProxy, log) {
  if (!noProxy) return false;
  return noProxy.value
    .split(/[\s,]+/)
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean)
    .some((entry) => {
      const rule = parseEntry(entry);
      if (rule.invalid) {
        log(`Ignoring ${noProxy.name} entry '${entry}': ${rule.invalid}`);
        return false;
      }
      return matches(target, rule);
    });
}

// `target` is { https, host, port }. Returns the proxy parts, or undefined.
function proxyFor(target, options, env = process.env, log = debugLog) {
  if (options.proxy) return parseProxy(String(options.proxy));
  if (options.useEnvProxy === false) return undefined;
  const variable = envVariable(env, target.https ? 'https_proxy' : 'http_proxy') || envVariable(env, 'all_proxy');
  if (!variable || bypassed(target, envVariable(env, 'no_proxy'), log)) return undefined;
  return parseEnvProxy(variable, log);
}

module.exports = { proxyFor };
