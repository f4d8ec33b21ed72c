'use strict';

// `getSigningKeys()` on the 100-key set: every call asks the endpoint and
// converts every key, in both implementations.

const { fixtures } = require('../lib/fixtures');
const { startWorkers, closeAll, alternate } = require('../lib/workers');
const { NAMES } = require('../lib/impls');
const { median, msSince } = require('../lib/stats');
const rows = require('../lib/rows');

const SIZE = 100;

const tasks = {
  /** Milliseconds per call, for `calls` calls on one client. */
  async round({ impl, calls }, state) {
    const { server, jwksClient } = await fixtures(state, impl);
    if (!state.client) state.client = jwksClient({ jwksUri: server.uri(SIZE) });
    const samples = [];
    for (let i = 0; i < calls; i++) {
      const start = process.hrtime.bigint();
      const keys = await state.client.getSigningKeys();
      samples.push(msSince(start));
      if (keys.length !== SIZE) throw new Error(`expected ${SIZE} keys, got ${keys.length}`);
    }
    return samples;
  },
};

async function run({ quick }) {
  const rounds = quick ? 3 : 7;
  const calls = quick ? 5 : 8;
  const workers = startWorkers(NAMES);
  try {
    const measure = (w) => w.call('signing-keys', 'round', { calls }).then(median);
    // Ten unmeasured calls each first, for the JIT.
    await alternate(workers, 1, (w) => w.call('signing-keys', 'round', { calls: 10 }));
    const s = await alternate(workers, rounds, measure);
    return [
      rows.faster({
        figure: '`getSigningKeys()`, 100-key set',
        base: median(s['jwks-rsa']),
        ours: median(s['jwks-rsa-native']),
        min: 30,
      }),
    ];
  } finally {
    await closeAll(workers);
  }
}

module.exports = { tasks, run };
