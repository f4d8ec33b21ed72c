'use strict';

// A fresh client's first key: construct a client and await its first
// `getSigningKey(kid)`, which fetches the key set and converts the key.
// The server closes each connection (see lib/jwks-server.js); one more row,
// for information, lets it keep them open, so that jwks-rsa's fresh
// clients reuse the socket Node's agent kept from the previous client.
// Node's floor (lib/floor.js) is measured in the same rounds, and each
// size has a second row: this package's time as a ratio of the floor's.

const { fixtures } = require('../lib/fixtures');
const { startWorkers, closeAll, alternate } = require('../lib/workers');
const { NAMES, FLOOR } = require('../lib/impls');
const { median, msSince } = require('../lib/stats');
const rows = require('../lib/rows');
const format = require('../lib/format');

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

// How far above Node's floor a cold first key may be (the native backend;
// the WebAssembly one fetches through Node's http, so its rows are for
// information). The floor is for closed connections only: kept-alive ones
// are not a first fetch.
const FLOOR_MAX = 1.1;

// Said once, under the first row against the floor.
const FLOOR_NOTE =
  "in the rows against Node's floor the jwks-rsa column is that floor: one `http.get` on a fresh " +
  'connection, `JSON.parse`, `crypto.createPublicKey` of the key asked for and its SPKI PEM export ' +
  '(bench/lib/floor.js)';

// With `--backend wasm` the fallback's one bar: the 10-key set at least as
// fast as jwks-rsa. Its fetches go through Node's http as jwks-rsa's do, so
// the other sizes are for information.
const WASM_MIN = { 10: 1 };

function barOf(c, backend) {
  if (backend !== 'wasm' || c.keepAlive)
    return { min: c.min, note: "no bar: jwks-rsa's fresh clients reuse the socket of the previous one" };
  return { min: WASM_MIN[c.size], note: 'no bar for the WebAssembly backend' };
}

/** The workers of `names` only. */
function only(workers, names) {
  return Object.fromEntries(names.map((name) => [name, workers[name]]));
}

/** Median milliseconds per implementation (and the floor, when its worker is in `workers`). */
async function measureCase(workers, { size, keepAlive, clients }, rounds) {
  const round = (n) => (w) => w.call('cold-first-key', 'round', { size, keepAlive, clients: n });
  // Twenty unmeasured clients each first: the JIT settles after a few dozen.
  await alternate(workers, 1, round(20));
  const s = await alternate(workers, rounds, (w) => round(clients)(w).then(median));
  return Object.fromEntries(Object.entries(s).map(([name, medians]) => [name, median(medians)]));
}

function speedRow(c, backend, { base, ours }) {
  const figure = `cold first key, ${c.size}-key set${c.keepAlive ? ', server keeps connections open' : ''}`;
  const { min, note } = barOf(c, backend);
  if (min !== undefined) return rows.faster({ figure, base, ours, min });
  return { ...rows.faster({ figure, base, ours, min: 1, note }), bar: '-', info: true };
}

function floorRow(c, backend, { floor, ours }, first) {
  const figure = `cold first key, ${c.size}-key set, against Node's floor`;
  const note = first ? FLOOR_NOTE : undefined;
  const row = rows.atMost({ figure, base: floor, ours, max: FLOOR_MAX, fmt: format.ms, note });
  return backend === 'wasm' ? { ...row, bar: '-', info: true } : row;
}

async function run({ quick, backend }) {
  const rounds = quick ? 3 : 7;
  const workers = startWorkers([...NAMES, FLOOR]);
  try {
    const out = [];
    let first = true;
    for (const c of CASES) {
      const names = c.keepAlive ? NAMES : [...NAMES, FLOOR];
      const m = await measureCase(only(workers, names), { ...c, clients: c.clients[quick ? 0 : 1] }, rounds);
      const ours = m['jwks-rsa-native'];
      out.push(speedRow(c, backend, { base: m['jwks-rsa'], ours }));
      if (c.keepAlive) continue;
      out.push(floorRow(c, backend, { floor: m[FLOOR], ours }, first));
      first = false;
    }
    return out;
  } finally {
    await closeAll(workers);
  }
}

module.exports = { tasks, run };
