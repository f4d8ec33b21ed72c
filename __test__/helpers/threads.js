'use strict';

const path = require('path');
const { Worker } = require('worker_threads');

const SCRIPT = path.join(__dirname, '..', 'fixtures', 'share-worker.js');

// A worker thread running fixtures/share-worker.js with one client made from
// `options`; `call(op, args)` asks it something and resolves with its answer
// (rejects with an Error of the same name and message when it failed).
async function startWorker(options) {
  const worker = new Worker(SCRIPT, { workerData: { options } });
  const pending = new Map();
  let next = 0;
  worker.on('message', ({ id, ok, value, error }) => {
    const entry = pending.get(id);
    if (!entry) return;
    pending.delete(id);
    if (ok) entry.resolve(value);
    else entry.reject(Object.assign(new Error(error.message), { name: error.name }));
  });
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    worker,
    exited,
    call(op, args = {}) {
      const id = next++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, op, ...args });
      });
    },
    terminate: () => worker.terminate(),
  };
}

async function startWorkers(n, options) {
  return Promise.all(Array.from({ length: n }, () => startWorker(options)));
}

module.exports = { startWorker, startWorkers };
