'use strict';

// A fresh client hit by 1000 concurrent lookups: all for the same kid, or
// spread over the 100 kids of the 100-key set. Counts the requests the
// JWKS server receives and the time until every lookup has resolved.

const { fixtures } = require('../lib/fixtures');
const { startWorkers, closeAll, alternate } = require('../lib/workers');
const { NAMES } = require('../lib/impls');
const { median, msSince } = require('../lib/stats');
const rows = require('../lib/rows');
const format = require('../lib/format');

const LOOKUPS = 1000;
const SAME_KID_SET = 10;

async function lookupAll(jwksClient, uri, wanted) {
  const start = process.hrtime.bigint();
  const client = jwksClient({ jwksUri: uri });
  const keys = await Promise.all(Array.from({ length: LOOKUPS }, (_, i) => client.getSigningKey(wanted[i % wanted.length])));
  const ms = msSince(start);
  if (keys[LOOKUPS - 1].kid !== wanted[(LOOKUPS - 1) % wanted.length]) throw new Error('wrong key');
  return ms;
}

const tasks = {
  /**
   * 1000 lookups over the first `kids` kids of a set, on each of `clients`
   * fresh clients in turn: `{ ms, requests }`, the median time and the
   * most requests one client made.
   */
  async round({ impl, size, kids, clients }, state) {
    const { server, sets, jwksClient } = await fixtures(state, impl);
    const wanted = sets[size].slice(0, kids).map((k) => k.kid);
    const times = [];
    let requests = 0;
    for (let i = 0; i < clients; i++) {
      const before = server.requests();
      times.push(await lookupAll(jwksClient, server.uri(size), wanted));
      requests = Math.max(requests, server.requests() - before);
    }
    return { ms: median(times), requests };
  },
};

function caseRows(samples, { figure, min }) {
  const ms = (impl) => median(samples[impl].map((s) => s.ms));
  const requests = (impl) => Math.max(...samples[impl].map((s) => s.requests));
  const ours = requests('jwks-rsa-native');
  return [
    rows.faster({ figure, base: ms('jwks-rsa'), ours: ms('jwks-rsa-native'), min }),
    rows.custom({
      figure: `${figure}: requests`,
      base: format.count(requests('jwks-rsa'), 'req'),
      ours: format.count(ours, 'req'),
      bar: '1 request',
      pass: ours === 1,
    }),
  ];
}

async function run({ quick }) {
  const workers = startWorkers(NAMES);
  try {
    const same = { size: SAME_KID_SET, kids: 1, clients: quick ? 5 : 10 };
    const spread = { size: 100, kids: 100, clients: 1 };
    const measure = (params) => (w) => w.call('concurrent-lookups', 'round', params);
    // Twenty unmeasured clients each first: the JIT settles after a few dozen.
    await alternate(workers, 1, measure({ ...same, clients: 20 }));
    const sameSamples = await alternate(workers, quick ? 3 : 7, measure(same));
    const spreadSamples = await alternate(workers, quick ? 1 : 3, measure(spread));
    return [
      ...caseRows(sameSamples, { figure: `1000 concurrent lookups, same kid (${SAME_KID_SET}-key set)`, min: 3 }),
      ...caseRows(spreadSamples, { figure: '1000 concurrent lookups over 100 kids (100-key set)', min: 50 }),
    ];
  } finally {
    await closeAll(workers);
  }
}

module.exports = { tasks, run };
