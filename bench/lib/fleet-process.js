'use strict';

// One process of a fleet (forked by figures/fleet.js): starts its worker
// threads, each with a cold client, then has every thread look a kid up
// whenever the orchestrator says so, and reports each lookup.

const path = require('path');
const { Worker } = require('worker_threads');

const THREAD = path.join(__dirname, 'fleet-thread.js');
let threads = [];

function nextMessage(worker) {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

const handlers = {
  async start({ impl, threads: n, options }) {
    threads = Array.from({ length: n }, () => new Worker(THREAD, { workerData: { impl, options } }));
    await Promise.all(threads.map(nextMessage));
  },
  lookup({ kid }) {
    const answers = threads.map(nextMessage);
    for (const worker of threads) worker.postMessage({ kid });
    return Promise.all(answers);
  },
};

process.on('message', ({ id, type, ...params }) => {
  handlers[type](params).then(
    (result) => process.send({ id, result }),
    (err) => process.send({ id, error: (err && err.stack) || String(err) }),
  );
});
process.on('disconnect', () => process.exit(0));
