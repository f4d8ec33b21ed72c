'use strict';

// A measuring process for one implementation. It runs the tasks the
// orchestrator sends it (a figure's `tasks[name]`) and keeps per-process
// state between them, so a figure can set up once and then be measured
// round after round. It exits when the orchestrator disconnects, even with
// lookups still pending.

const path = require('path');

const impl = process.argv[2];
const state = {};

async function runTask({ figure, task, params }) {
  const mod = require(path.join(__dirname, '..', 'figures', `${figure}.js`));
  const fn = mod.tasks && mod.tasks[task];
  if (typeof fn !== 'function') throw new Error(`figure ${figure} has no task ${task}`);
  return fn({ ...params, impl }, state);
}

process.on('message', (msg) => {
  runTask(msg).then(
    (result) => process.send({ id: msg.id, result }),
    (err) => process.send({ id: msg.id, error: (err && err.stack) || String(err) }),
  );
});

process.on('disconnect', () => process.exit(0));
