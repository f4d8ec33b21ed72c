'use strict';

// `require()` time: a fresh Node process times `require()` of each
// implementation, alternating, and the medians are compared.

const { execFile } = require('child_process');
const { promisify } = require('util');
const { NAMES, entryOf, orderFor } = require('../lib/impls');
const { median } = require('../lib/stats');
const rows = require('../lib/rows');
const format = require('../lib/format');

const run$ = promisify(execFile);

function script(entry) {
  return [
    'const start = process.hrtime.bigint();',
    `require(${JSON.stringify(entry)});`,
    'process.stdout.write(String(Number(process.hrtime.bigint() - start) / 1e6));',
  ].join('\n');
}

async function requireMs(impl) {
  const { stdout } = await run$(process.execPath, ['-e', script(entryOf(impl))]);
  return Number(stdout);
}

// With `--backend wasm` the bar is jwks-rsa's own time: the fallback loads a
// WebAssembly module and starts a WASI thread, which no native binary does.
const WASM_MAX = 1;

async function run({ quick, backend }) {
  const rounds = quick ? 5 : 15;
  const s = Object.fromEntries(NAMES.map((impl) => [impl, []]));
  // One unrecorded round, so both start from a warm file cache.
  for (const impl of NAMES) await requireMs(impl);
  for (let round = 0; round < rounds; round++) {
    for (const impl of orderFor(round)) s[impl].push(await requireMs(impl));
  }
  return [
    rows.atMost({
      figure: '`require()` time',
      base: median(s['jwks-rsa']),
      ours: median(s['jwks-rsa-native']),
      max: backend === 'wasm' ? WASM_MAX : 0.3,
      fmt: format.ms,
      note: `fresh process per sample, ${rounds} each`,
    }),
  ];
}

module.exports = { run };
