'use strict';

// Warm `getSigningKey(kid)`: a client whose key is cached, asked again and
// again, one lookup at a time, in promise form and in callback form.

const { fixtures } = require('../lib/fixtures');
const { startWorkers, closeAll, alternate } = require('../lib/workers');
const { NAMES } = require('../lib/impls');
const { median, msSince } = require('../lib/stats');
const rows = require('../lib/rows');
const format = require('../lib/format');

const BATCH = 1000;

async function promiseBatch(client, kid) {
  for (let i = 0; i < BATCH; i++) await client.getSigningKey(kid);
}

function callbackBatch(client, kid) {
  return new Promise((resolve, reject) => {
    let left = BATCH;
    const next = (err) => {
      if (err) reject(err);
      else if (--left === 0) resolve();
      else client.getSigningKey(kid, next);
    };
    client.getSigningKey(kid, next);
  });
}

const BATCHES = { promise: promiseBatch, callback: callbackBatch };

const tasks = {
  async setup({ impl }, state) {
    const { server, sets, jwksClient } = await fixtures(state, impl);
    const client = jwksClient({ jwksUri: server.uri(10) });
    const kid = sets[10][0].kid;
    await client.getSigningKey(kid);
    state.warm = { client, kid };
    return true;
  },

  /** Lookups per second over about `ms` milliseconds. */
  async round({ form, ms }, state) {
    const { client, kid } = state.warm;
    const batch = BATCHES[form];
    const start = process.hrtime.bigint();
    let done = 0;
    let elapsed = 0;
    while (elapsed < ms) {
      await batch(client, kid);
      done += BATCH;
      elapsed = msSince(start);
    }
    return (done / elapsed) * 1000;
  },
};

async function run({ quick }) {
  const rounds = quick ? 5 : 11;
  const ms = quick ? 100 : 300;
  const workers = startWorkers(NAMES);
  try {
    await Promise.all(NAMES.map((impl) => workers[impl].call('warm-lookups', 'setup')));
    const figures = [
      ['promise', 'warm `await getSigningKey(kid)`', 5],
      ['callback', 'warm `getSigningKey(kid, cb)`', 10],
    ];
    const out = [];
    for (const [form, figure, min] of figures) {
      // One unmeasured round each, for the JIT.
      await alternate(workers, 1, (w) => w.call('warm-lookups', 'round', { form, ms }));
      const s = await alternate(workers, rounds, (w) => w.call('warm-lookups', 'round', { form, ms }));
      out.push(
        rows.atLeast({
          figure,
          base: median(s['jwks-rsa']),
          ours: median(s['jwks-rsa-native']),
          min,
          fmt: format.opsPerSec,
        }),
      );
    }
    return out;
  } finally {
    await closeAll(workers);
  }
}

module.exports = { tasks, run };
