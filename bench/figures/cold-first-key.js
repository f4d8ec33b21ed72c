'use strict';

// A fresh client's first key: construct a client and await its first
// `getSigningKey(kid)`, which fetches and converts the whole key set.

const { fixtures } = require('../lib/fixtures');
const { startWorkers, closeAll, alternate } = require('../lib/workers');
const { NAMES, orderFor } = require('../lib/impls');
const { median, msSince } = require('../lib/stats');
const rows = require('../lib/rows');

const tasks = {
  /** Milliseconds to the first key, for `clients` fresh clients in turn. */
  async round({ impl, size, clients }, state) {
    const { server, sets, jwksClient } = await fixtures(state, impl);
    const uri = server.uri(size);
    const kid = sets[size][0].kid;
    const samples = [];
    for (let i = 0; i < clients; i++) {
      const start = process.hrtime.bigint();
      const client = jwksClient({ jwksUri: uri });
      await client.getSigningKey(kid);
      samples.push(msSince(start));
    }
    return samples;
  },
};

// Key set size, speed-up to reach, clients per round (quick, full).
const CASES = [
  [1, 1, 20, 40],
  [10, 5, 10, 25],
  [100, 30, 3, 6],
];

async function run({ quick }) {
  const rounds = quick ? 3 : 7;
  const workers = startWorkers(NAMES);
  try {
    const out = [];
    for (const [size, min, quickClients, fullClients] of CASES) {
      const clients = quick ? quickClients : fullClients;
      const measure = (w) => w.call('cold-first-key', 'round', { size, clients }).then(median);
      await alternate(workers, 1, measure, orderFor);
      const s = await alternate(workers, rounds, measure, orderFor);
      out.push(
        rows.faster({
          figure: `cold first key, ${size}-key set`,
          base: median(s['jwks-rsa']),
          ours: median(s['jwks-rsa-native']),
          min,
        }),
      );
    }
    return out;
  } finally {
    await closeAll(workers);
  }
}

module.exports = { tasks, run };
