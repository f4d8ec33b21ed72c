'use strict';

// A fleet for the benchmark: processes (fleet-process.js), each with worker
// threads (fleet-thread.js), all looking up one kid of one JWKS endpoint
// at the same moments: a cold start, then after each expiry of the set.

const { fork } = require('child_process');
const path = require('path');
const net = require('net');

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

/** How many keys of a Redis on 127.0.0.1:`port` match `pattern` (RESP KEYS). */
function redisKeyCount(port, pattern) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    socket.setEncoding('utf8');
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      reply += chunk;
      const end = reply.indexOf('\r\n');
      if (end < 0) return;
      socket.end();
      const count = reply.startsWith('*') ? Number(reply.slice(1, end)) : NaN;
      if (Number.isNaN(count)) reject(new Error(`Redis answered ${reply.slice(0, end)}`));
      else resolve(count);
    });
    socket.write(`*2\r\n$4\r\nKEYS\r\n$${Buffer.byteLength(pattern)}\r\n${pattern}\r\n`);
  });
}

module.exports = { runFleet, redisKeyCount };
