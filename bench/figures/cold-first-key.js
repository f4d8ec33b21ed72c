'use strict';

// A fresh client's first key: construct a client and await its first
// `getSigningKey(kid)`, which fetches and converts the whole key set.
// The server closes each connection (see lib/jwks-server.js); one more row,
// for information, lets it keep them open, so that jwks-rsa's fresh
// clients reuse the socket Node's agent kept from the previous client.

const { fixtures } = require('../lib/fixtures');
const { startWorkers, closeAll, alternate } = require('../lib/workers');
const { NAMES } = require('../lib/impls');
const { median, msSince } = require('../lib/stats');
const rows = require('../lib/rows');

const tasks = {
  /** Milliseconds to the first key, for `clients` fresh clients in turn. */
  async round({ impl, size, keepAlive, clients }, state) {
    const { server, sets, jwksClient } = await fixtures(state, impl);
    const uri = server.uri(size, { keepAlive });
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

// Key set size, kept-alive connections, speed-up to reach (none: for
// information), fresh clients per round (quick, full).
const CASES = [
  { size: 1, keepAlive: false, min: 1, clients: [20, 40] },
  { size: 10, keepAlive: false, min: 5, clients: [10, 25] },
  { size: 100, keepAlive: false, min: 30, clients: [5, 6] },
  { size: 1, keepAlive: true, min: undefined, clients: [20, 40] },
];

// With `--backend wasm` the fallback's one bar: the 10-key set at least as
// fast as jwks-rsa. Its fetches go through Node's http as jwks-rsa's do, so
// the other sizes are for information.
const WASM_MIN = { 10: 1 };

function barOf(c, backend) {
  if (backend !== 'wasm' || c.keepAlive)
    return { min: c.min, note: "no bar: jwks-rsa's fresh clients reuse the socket of the previous one" };
  return { min: WASM_MIN[c.size], note: 'no bar for the WebAssembly backend' };
}

async function measureCase(workers, { size, keepAlive, clients }, rounds) {
  const round = (n) => (w) => w.call('cold-first-key', 'round', { size, keepAlive, clients: n });
  // Twenty unmeasured clients each first: the JIT settles after a few dozen.
  await alternate(workers, 1, round(20));
  const s = await alternate(workers, rounds, (w) => round(clients)(w).then(median));
  return { base: median(s['jwks-rsa']), ours: median(s['jwks-rsa-native']) };
}

async function run({ quick, backend }) {
  const rounds = quick ? 3 : 7;
  const workers = startWorkers(NAMES);
  try {
    const out = [];
    for (const c of CASES) {
      const { base, ours } = await measureCase(workers, { ...c, clients: c.clients[quick ? 0 : 1] }, rounds);
      const figure = `cold first key, ${c.size}-key set${c.keepAlive ? ', server keeps connections open' : ''}`;
      const { min, note } = barOf(c, backend);
      if (min !== undefined) out.push(rows.faster({ figure, base, ours, min }));
      else out.push({ ...rows.faster({ figure, base, ours, min: 1, note }), bar: '-', info: true });
    }
    return out;
  } finally {
    await closeAll(workers);
  }
}

module.exports = { tasks, run };
