'use strict';

// Memory retained per client holding 10 warm keys: many clients are
// created and kept, each asked for the 10 kids of the 10-key set (with
// `cacheMaxEntries: 10`, so jwks-rsa keeps all 10 too). Measured after
// full GCs in a fresh `--expose-gc` process per round: V8 heap + external
// (the figure with a bar), and RSS, which also holds what the native
// side allocates outside V8.

const { fixtures } = require('../lib/fixtures');
const { Worker } = require('../lib/workers');
const { NAMES, orderFor } = require('../lib/impls');
const { median } = require('../lib/stats');
const rows = require('../lib/rows');
const format = require('../lib/format');

const SIZE = 10;
const WARMUP_CLIENTS = 10;

async function settle() {
  for (let i = 0; i < 4; i++) {
    global.gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function usage() {
  const m = process.memoryUsage();
  return { heap: m.heapUsed + m.external, rss: m.rss };
}

async function warmClient(jwksClient, uri, kids) {
  const client = jwksClient({ jwksUri: uri, cacheMaxEntries: SIZE });
  for (const kid of kids) await client.getSigningKey(kid);
  return client;
}

const tasks = {
  /** Bytes retained per client: `{ heap, rss }`. */
  async retained({ impl, clients }, state) {
    const { server, sets, jwksClient } = await fixtures(state, impl);
    const uri = server.uri(SIZE);
    const kids = sets[SIZE].map((k) => k.kid);
    // Module-level state (runtimes, agents, caches) and optimized code are
    // created before the baseline: with fewer warm-up clients the figures
    // of both implementations drift up by several kB.
    for (let i = 0; i < WARMUP_CLIENTS; i++) await warmClient(jwksClient, uri, kids);
    await settle();
    const before = usage();
    const kept = [];
    for (let i = 0; i < clients; i++) kept.push(await warmClient(jwksClient, uri, kids));
    await settle();
    const after = usage();
    if (kept.length !== clients) throw new Error('clients lost');
    return { heap: (after.heap - before.heap) / clients, rss: (after.rss - before.rss) / clients };
  },
};

async function oneRound(impl, clients) {
  const worker = new Worker(impl, ['--expose-gc']);
  try {
    return await worker.call('memory', 'retained', { clients });
  } finally {
    await worker.close();
  }
}

async function run({ quick }) {
  const rounds = quick ? 1 : 3;
  const clients = quick ? 30 : 80;
  const s = Object.fromEntries(NAMES.map((impl) => [impl, []]));
  for (let round = 0; round < rounds; round++) {
    for (const impl of orderFor(round)) s[impl].push(await oneRound(impl, clients));
  }
  const med = (impl, key) => median(s[impl].map((r) => r[key]));
  return [
    rows.atMost({
      figure: 'heap + external retained per client, 10 warm keys',
      base: med('jwks-rsa', 'heap'),
      ours: med('jwks-rsa-native', 'heap'),
      max: 1,
      fmt: format.bytes,
      note: `${clients} clients kept per process, ${rounds} process(es) each`,
    }),
    {
      ...rows.atMost({
        figure: 'RSS retained per client, 10 warm keys (incl. native heap)',
        base: med('jwks-rsa', 'rss'),
        ours: med('jwks-rsa-native', 'rss'),
        max: 1,
        fmt: format.bytes,
        note: 'no bar; RSS also holds heap pages V8 grew and kept',
      }),
      info: true,
    },
  ];
}

module.exports = { tasks, run };
