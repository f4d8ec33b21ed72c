'use strict';

const util = require('util');

// `DEBUG=jwks` logging in the format of the `debug` package (which jwks-rsa
// uses), without depending on it: an ISO timestamp and the namespace when
// stderr is not a terminal, colours and a +ms delta when it is. When the
// namespace is not enabled the logger is a no-op and callers skip building
// their arguments (`logger.enabled`).

const BASIC_COLORS = [6, 2, 3, 4, 5, 1];

function enabledFor(namespace, spec = process.env.DEBUG || '') {
  let enabled = false;
  for (const raw of spec.split(/[\s,]+/)) {
    if (!raw) continue;
    const skip = raw.startsWith('-');
    const pattern = new RegExp(`^${(skip ? raw.slice(1) : raw).replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*?')}$`);
    if (pattern.test(namespace)) enabled = !skip;
  }
  return enabled;
}

function colorFor(namespace) {
  let hash = 0;
  for (let i = 0; i < namespace.length; i++) {
    hash = (hash << 5) - hash + namespace.charCodeAt(i);
    hash |= 0;
  }
  return BASIC_COLORS[Math.abs(hash) % BASIC_COLORS.length];
}

function useColors() {
  const setting = process.env.DEBUG_COLORS;
  if (setting !== undefined) return /^(yes|on|true|enabled|1)$/i.test(setting);
  return Boolean(process.stderr.isTTY);
}

function createLogger(namespace) {
  if (!enabledFor(namespace)) {
    const noop = () => {};
    noop.enabled = false;
    return noop;
  }
  const colors = useColors();
  const color = colorFor(namespace);
  let previous;
  const log = (...args) => {
    const now = Date.now();
    const delta = previous === undefined ? 0 : now - previous;
    previous = now;
    if (typeof args[0] !== 'string') args.unshift('%O');
    const text = util.formatWithOptions({ colors }, ...args);
    process.stderr.write(`${decorate(text, namespace, colors, color, delta)}\n`);
  };
  log.enabled = true;
  return log;
}

function decorate(text, namespace, colors, color, delta) {
  if (!colors) {
    const date = process.env.DEBUG_HIDE_DATE ? '' : `${new Date().toISOString()} `;
    return `${date}${namespace} ${text}`;
  }
  const code = `\u001b[3${color};1m`;
  const prefix = `  ${code}${namespace} \u001b[0m`;
  return `${prefix}${text.split('\n').join(`\n${prefix}`)} \u001b[3${color}m+${delta}ms\u001b[0m`;
}

module.exports = { createLogger, enabledFor };
