'use strict';

// The forward proxy for a JWKS endpoint: the `proxy` option, else (unless
// `useEnvProxy: false`) http_proxy / https_proxy / all_proxy and no_proxy
// from the environment, as curl reads them.

function envValue(env, name) {
  return env[name] || env[name.toUpperCase()] || undefined;
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

function matchesEntry(target, entry) {
  if (entry === '*') return true;
  if (entry.includes('/')) {
    // Loaded here, for CIDR entries only: `net` costs ~3 ms of require().
    const net = require('net');
    const [address, prefix] = entry.split('/');
    const type = net.isIP(address) === 6 ? 'ipv6' : 'ipv4';
    const list = new net.BlockList();
    list.addSubnet(address, Number(prefix), type);
    return net.isIP(target.host) !== 0 && list.check(target.host, net.isIP(target.host) === 6 ? 'ipv6' : 'ipv4');
  }
  let host = entry;
  const portMatch = /^(.*):(\d+)$/.exec(entry);
  if (portMatch && !entry.includes('::')) {
    if (Number(portMatch[2]) !== target.port) return false;
    host = portMatch[1];
  }
  host = host.replace(/^\[(.*)\]$/, '$1').replace(/^\*?\./, '');
  const name = target.host.toLowerCase();
  return name === host || name.endsWith(`.${host}`);
}

function bypassed(target, noProxy) {
  if (!noProxy) return false;
  return noProxy
    .split(/[\s,]+/)
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean)
    .some((entry) => matchesEntry(target, entry));
}

// `target` is { https, host, port }. Returns the proxy parts, or undefined.
function proxyFor(target, options, env = process.env) {
  if (options.proxy) return parseProxy(String(options.proxy));
  if (options.useEnvProxy === false) return undefined;
  const scheme = target.https ? 'https_proxy' : 'http_proxy';
  const raw = envValue(env, scheme) || envValue(env, 'all_proxy');
  if (!raw || bypassed(target, envValue(env, 'no_proxy'))) return undefined;
  return parseProxy(raw);
}

module.exports = { proxyFor };
