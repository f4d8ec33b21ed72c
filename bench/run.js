'use strict';

// `npm run bench`: measures jwks-rsa 4.1.0 and this package side by side
// and prints, for every figure, both medians, the ratio and its bar.
//
//   node bench/run.js [--quick] [--only a,b] [--json file] [--fresh-keys] [--backend native|wasm]
//
// Progress goes to stderr; stdout carries only the report.

const fs = require('fs');
const os = require('os');
const { loadPools } = require('./lib/keys');
const { render, summary } = require('./lib/table');
const { msSince } = require('./lib/stats');
const format = require('./lib/format');
const { rerunWithWasm } = require('./lib/backend');

const FIGURES = [
  'warm-lookups',
  'cold-first-key',
  'signing-keys',
  'concurrent-lookups',
  'forged-kids',
  'refresh-ahead',
  'express-jwt',
  'require-time',
  'memory',
  'install-size',
  'fleet',
];

function parseArgs(argv) {
  const args = { quick: false, only: FIGURES, json: undefined, freshKeys: false, backend: 'native' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') args.quick = true;
    else if (arg === '--fresh-keys') args.freshKeys = true;
    else if (arg === '--only') args.only = argv[++i].split(',');
    else if (arg === '--json') args.json = argv[++i];
    else if (arg === '--backend') args.backend = argv[++i];
    else
      throw new Error(
        `unknown argument: ${arg}\nusage: node bench/run.js [--quick] [--only a,b] [--json file] [--fresh-keys] [--backend native|wasm]`,
      );
  }
  if (!['native', 'wasm'].includes(args.backend)) throw new Error(`unknown backend: ${args.backend} (native or wasm)`);
  for (const name of args.only) {
    if (!FIGURES.includes(name)) throw new Error(`unknown figure: ${name} (figures: ${FIGURES.join(', ')})`);
  }
  return args;
}

const log = (line) => process.stderr.write(`${line}\n`);

// A figure that breaks is reported as failed; the others still run.
async function runFigure(name, quick, backend) {
  try {
    return await require(`./figures/${name}`).run({ quick, log, backend });
  } catch (err) {
    log(err.stack || String(err));
    const reason = String(err.message || err).split('\n')[0];
    return [{ figure: name, base: '-', ours: '-', ratio: '-', bar: '-', pass: false, note: `error: ${reason}` }];
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.backend === 'wasm') rerunWithWasm(process.argv.slice(1));
  const start = process.hrtime.bigint();
  const keys = await loadPools({ fresh: args.freshKeys });
  log(`keys ${keys.generated ? 'generated' : 'reused'} (${format.ms(msSince(start))})`);
  const all = [];
  for (const name of FIGURES.filter((f) => args.only.includes(f))) {
    const t = process.hrtime.bigint();
    log(`${name}...`);
    const figureRows = await runFigure(name, args.quick, args.backend);
    for (const row of figureRows) log(`  ${row.figure}: ${row.base} vs ${row.ours} (${row.ratio})`);
    log(`  (${format.ms(msSince(t))})`);
    all.push(...figureRows);
  }
  const mode = args.quick ? 'quick' : 'full';
  const cpus = os.cpus();
  const header = [
    `jwks-rsa 4.1.0 vs jwks-rsa-native (${args.backend} backend), ${mode} run, medians, ${format.ms(msSince(start))}`,
    `node ${process.version}, ${os.platform()} ${os.arch()}, ${cpus.length} x ${cpus[0] ? cpus[0].model.trim() : 'cpu'}, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  ].join('\n');
  process.stdout.write(`${header}\n\n${render(all)}\n\n${summary(all)}\n`);
  if (args.json) fs.writeFileSync(args.json, JSON.stringify({ mode, rows: all }, null, 2));
}

main().catch((err) => {
  process.stderr.write(`${err.stack || err}\n`);
  process.exitCode = 1;
});
