'use strict';

// `DEBUG=jwks` logging in the format of the `debug` package, which jwks-rsa
// uses, without depending on it. A namespace not enabled gets a no-op logger:
// callers check `logger.enabled` before building costly arguments.

const BASIC_COLORS = [6, 2, 3, 4, 5, 1];

function enabledFor(namespace) {
  let enabled = false;
  for (const raw of (process.env.DEBUG || '').split(/[\s,]+/)) {
    if (!raw) continue;
    const skip = raw.startsWith('-');
    const pattern = new RegExp(`^${(skip ? raw.slice(1) : raw).replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*?')}$`);
    if (pattern.test(namespace)) enabled = !skip;
  }
  return enabled;
}

// The `debug` package's hash of the namespace into its six basic colours.
function colorFor(namespace) {
  let hash = 0;
  for (let i = 0; i < namespace.length; i++) hash = ((hash << 5) - hash + namespace.charCodeAt(i)) | 0;
  return BASIC_COLORS[Math.abs(hash) % BASIC_COLORS.length];
}

function createLogger(namespace) {
  if (!enabledFor(namespace)) return Object.assign(() => {}, { enabled: false });
  const setting = process.env.DEBUG_COLORS;
  const colors = setting !== undefined ? /^(yes|on|true|enabled|1)$/i.test(setting) : Boolean(process.stderr.isTTY);
  const code = `\u001b[3${colorFor(namespace)}`;
  let previous;
  const log = (...args) => {
    const now = Date.now();
    const delta = previous === undefined ? 0 : now - previous;
    previous = now;
    if (typeof args[0] !== 'string') args.unshift('%O');
    // `util` loads here, not at require(): its public module costs
    // milliseconds to load, and only an enabled logger formats.
    const text = require('util').formatWithOptions({ colors }, ...args);
    let line;
    if (colors) {
      const prefix = `  ${code};1m${namespace} \u001b[0m`;
      line = `${prefix}${text.split('\n').join(`\n${prefix}`)} ${code}m+${delta}ms\u001b[0m`;
    } else {
      line = `${process.env.DEBUG_HIDE_DATE ? '' : `${new Date().toISOString()} `}${namespace} ${text}`;
    }
    process.stderr.write(`${line}\n`);
  };
  return Object.assign(log, { enabled: true });
}

module.exports = { createLogger };
