'use strict';

// The fleet: 4 processes x 8 worker threads start cold and look up the same
// set, which then expires twice. JWKS requests at start and per refresh,
// the p99 of each worker's first lookup, and failed lookups: jwks-rsa,
// then this package with `shareAcrossThreads` (one set per process), with
// a Redis `sharedCache` as well (one set for the fleet), and with that
// Redis stopped. Last, one process of 8 threads.

const { spawnSync } = require('child_process');
const { loadPools, keySets } = require('../lib/keys');
const { startJwksServer } = require('../lib/jwks-server');
const { runFleet } = require('../lib/fleet');
const { load } = require('../lib/impls');
const { percentile } = require('../lib/stats');
const rows = require('../lib/rows');
const format = require('../lib/format');

const PROCESSES = 4;
const THREADS = 8;
const MAX_AGE = 1500;
const REFRESHES = 2;

const first = (phases) => phases[0];
const later = (phases) => phases.slice(1);
const allAnswers = (phases) => phases.flatMap((p) => p.answers);
const failed = (phases) => allAnswers(phases).filter((a) => !a.ok);
const p99 = (phases) =>
  percentile(
    first(phases).answers.map((a) => a.ms),
    99,
  );
const counts = (list) => list.map((p) => format.count(p.requests, 'req')).join(', ');

function fleetRows(label, base, ours, goal) {
  const failures = failed(ours);
  return [
    rows.custom({
      figure: `${label}: JWKS requests at start`,
      base: format.count(first(base).requests, 'req'),
      ours: format.count(first(ours).requests, 'req'),
      bar: `<= ${goal}`,
      pass: first(ours).requests <= goal,
    }),
    rows.custom({
      figure: `${label}: JWKS requests per refresh`,
      base: counts(later(base)),
      ours: counts(later(ours)),
      bar: `<= ${goal} each`,
      pass: later(ours).every((p) => p.requests <= goal),
    }),
    {
      ...rows.custom({
        figure: `${label}: first lookup in each worker, p99`,
        base: format.ms(p99(base)),
        ours: format.ms(p99(ours)),
        bar: '-',
      }),
      info: true,
    },
    rows.custom({
      figure: `${label}: failed lookups`,
      base: String(failed(base).length),
      ours: String(failures.length),
      bar: '0',
      pass: failures.length === 0,
      note: failures.length ? failures[0].error : undefined,
    }),
  ];
}

function redisServerOnPath() {
  return spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).status === 0;
}

// A Redis for the sharedCache rows, once a client of this build has been
// seen storing a set in it; otherwise why those rows are skipped.
async function redisForFleet(jwksUri, kid) {
  let helper;
  try {
    helper = require('../../__test__/helpers/redis');
  } catch {
    return { reason: '__test__/helpers/redis.js (startRedis) is not in this checkout' };
  }
  if (!redisServerOnPath()) return { reason: 'redis-server is not on PATH (apt-get install redis-server)' };
  const redis = await helper.startRedis();
  // KEYS answers `*<count>` and the keys.
  const stored = async (pattern) => Number((await helper.send(redis.port, 'KEYS', pattern)).split('\r\n')[0].slice(1));
  try {
    const keyPrefix = 'fleet-probe:';
    const client = load('jwks-rsa-native')({ jwksUri, sharedCache: { redis: redis.url, keyPrefix } });
    await client.getSigningKey(kid);
    for (let i = 0; i < 20 && (await stored(`${keyPrefix}*`)) === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if ((await stored(`${keyPrefix}*`)) === 0) {
      throw new Error('this build does not take the sharedCache option (a client stored nothing in Redis)');
    }
    return { redis };
  } catch (err) {
    await redis.stop();
    return { reason: err.message };
  }
}

async function run({ log, backend }) {
  const skippedAll = (reason) =>
    ['4 x 8 threads, shareAcrossThreads', '4 x 8 threads, + Redis sharedCache', '1 x 8 threads, shareAcrossThreads'].map((figure) =>
      rows.skipped({ figure, bar: '-', reason }),
    );
  if (backend === 'wasm') return skippedAll('the WebAssembly backend does not share across threads');
  const { pools } = await loadPools();
  const sets = keySets(pools);
  const server = await startJwksServer(sets);
  const kid = sets[10][0].kid;
  const jwksUri = server.uri(10);
  const fleet = (impl, processes, options) =>
    runFleet({
      impl,
      processes,
      threads: THREADS,
      options: { jwksUri, cacheMaxAge: MAX_AGE, ...options },
      server,
      kid,
      maxAge: MAX_AGE,
      refreshes: REFRESHES,
    });
  try {
    log('  jwks-rsa, 4 x 8');
    const base = await fleet('jwks-rsa', PROCESSES, {});
    log('  shareAcrossThreads, 4 x 8');
    const shared = await fleet('jwks-rsa-native', PROCESSES, { shareAcrossThreads: true });
    const out = fleetRows(`${PROCESSES} x ${THREADS} threads, shareAcrossThreads`, base, shared, PROCESSES);

    const { redis, reason } = await redisForFleet(jwksUri, kid);
    if (redis) {
      const sharedCache = (keyPrefix) => ({ shareAcrossThreads: true, sharedCache: { redis: redis.url, keyPrefix } });
      log('  + Redis, 4 x 8');
      const withRedis = await fleet('jwks-rsa-native', PROCESSES, sharedCache('fleet-1:'));
      await redis.stop();
      log('  Redis stopped, 4 x 8');
      const redisDown = await fleet('jwks-rsa-native', PROCESSES, sharedCache('fleet-2:'));
      out.push(...fleetRows(`${PROCESSES} x ${THREADS} threads, + Redis sharedCache`, base, withRedis, 1));
      out.push(...fleetRows(`${PROCESSES} x ${THREADS} threads, Redis stopped`, base, redisDown, PROCESSES));
    } else {
      out.push(rows.skipped({ figure: `${PROCESSES} x ${THREADS} threads, + Redis sharedCache`, bar: '1 request each', reason }));
    }

    log('  1 x 8');
    const baseOne = await fleet('jwks-rsa', 1, {});
    const sharedOne = await fleet('jwks-rsa-native', 1, { shareAcrossThreads: true });
    out.push(...fleetRows(`1 x ${THREADS} threads, shareAcrossThreads`, baseOne, sharedOne, 1));
    return out;
  } finally {
    await server.close();
  }
}

module.exports = { run };
