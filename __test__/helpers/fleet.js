'use strict';

const { fork } = require('child_process');
const path = require('path');

// Real child processes, each holding one client (fixtures/shared-cache-child.js).
// `ask` sends a message and resolves with the child's answer to it.

const CHILD = path.join(__dirname, '..', 'fixtures', 'shared-cache-child.js');

function startProcess(env = {}) {
  const child = fork(CHILD, [], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const pending = new Map();
  let next = 0;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  exited.then((code) => {
    for (const { reject } of pending.values()) reject(new Error(`child exited (${code}): ${stderr}`));
  });
  const ready = new Promise((resolve) => {
    child.on('message', (message) => {
      if (message.ready) return resolve();
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (waiter) waiter.resolve(message);
    });
  });
  const ask = (message) =>
    new Promise((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      child.send({ id, ...message });
    });
  return {
    ready,
    ask,
    get stderr() {
      return stderr;
    },
    lookup: (kid) => ask({ lookup: kid }),
    stats: async () => (await ask({ stats: true })).stats,
    kill() {
      child.kill('SIGKILL');
      return exited;
    },
    exit() {
      child.disconnect();
      return exited;
    },
  };
}

/** Starts `n` processes, each with a client made from `options`. */
async function startFleet(n, options, env) {
  const fleet = Array.from({ length: n }, () => startProcess(env));
  await Promise.all(fleet.map((p) => p.ready));
  await Promise.all(fleet.map((p) => p.ask({ create: options })));
  return fleet;
}

module.exports = { startFleet };
