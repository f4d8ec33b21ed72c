'use strict';

// One worker thread of a fleet process: one client, one timed lookup per
// `lookup` message.

const { parentPort, workerData } = require('worker_threads');
const { load } = require('./impls');
const { msSince } = require('./stats');

const client = load(workerData.impl)(workerData.options);

parentPort.on('message', async ({ kid }) => {
  const start = process.hrtime.bigint();
  try {
    const key = await client.getSigningKey(kid);
    if (key.kid !== kid) throw new Error(`got key ${key.kid} for ${kid}`);
    parentPort.postMessage({ ok: true, ms: msSince(start) });
  } catch (err) {
    parentPort.postMessage({ ok: false, ms: msSince(start), error: `${err.name}: ${err.message}` });
  }
});
parentPort.postMessage({ ready: true });
