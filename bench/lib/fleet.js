'use strict';

// A fleet for the benchmark: processes (fleet-process.js), each with worker
// threads (fleet-thread.js), all looking up one kid of one JWKS endpoint
// at the same moments: a cold start, then after each expiry of the set.

const { fork } = require('child_process');
const path = require('path');

const PROCESS = path.join(__dirname, 'fleet-process.js');

function forkProcess() {
  // Its output goes to our stderr: stdout carries only the report.
  const child = fork(PROCESS, [], { stdio: ['ignore', 2, 2, 'ipc'] });
  const pending = new Map();
  let next = 0;
  child.on('message', ({ id, result, error }) => {
    const call = pending.get(id);
    pending.delete(id);
    if (error) call.reject(new Error(error));
    else call.resolve(result);
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return {
    call(type, params) {
      const id = next++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ id, type, ...params });
      });
    },
    close() {
      if (child.connected) child.disconnect();
      return exited;
    },
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a fleet of `processes` x `threads` clients of `impl` made with
 * `options`: one lookup each at start, then one each after every one of
 * `refreshes` expiries (`maxAge` plus a margin). Returns, per phase, the
 * requests the server received and every lookup's `{ ok, ms, error }`.
 */
async function runFleet({ impl, processes, threads, options, server, kid, maxAge, refreshes }) {
  const fleet = Array.from({ length: processes }, forkProcess);
  try {
    await Promise.all(fleet.map((p) => p.call('start', { impl, threads, options })));
    const phases = [];
    for (let i = 0; i <= refreshes; i++) {
      if (i > 0) await sleep(maxAge + 250);
      const before = server.requests();
      const answers = (await Promise.all(fleet.map((p) => p.call('lookup', { kid })))).flat();
      phases.push({ requests: server.requests() - before, answers });
    }
    return phases;
  } finally {
    await Promise.all(fleet.map((p) => p.close()));
  }
}

module.exports = { runFleet };
