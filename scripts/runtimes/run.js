#!/usr/bin/env node
'use strict';

// `npm run test:runtimes [-- name...]`: fetches the pinned runtimes once
// (fetch.js), then runs the whole node test suite on each Node.js and
// __test__/runtimes/smoke.mjs on Bun and Deno, all with the addon that
// `npm run build` made. One line per runtime says pass or fail; the full
// output of each is in target/runtimes/matrix/logs/<name>.log. Exits non-zero
// when any runtime fails.

const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const { ROOT, CACHE, binaryOf } = require('./list');
const { fetchRuntimes } = require('./fetch');

// Deno runs the smoke suite with the permissions the README lists for the
// package (the addon, its files, the environment variables it reads) and
// loopback networking for the suite's own servers.
const DENO_PERMISSIONS = ['--allow-ffi', '--allow-read', '--allow-net=127.0.0.1', '--allow-env'];

// A CI guard, not a test: a runtime that hangs must not take the whole
// CI budget. The node suite takes under a minute per Node.js here.
const LIMIT_MINUTES = 20;

function commandFor(runtime) {
  const binary = binaryOf(runtime);
  if (runtime.suite === 'node') {
    const tests = fs.readdirSync(path.join(ROOT, '__test__')).filter((f) => f.endsWith('.test.js'));
    const reporter = '--test-reporter=spec'; // the same log on every version (22 defaults to TAP off a TTY)
    return [binary, ['--test', '--test-concurrency=1', reporter, ...tests.sort().map((f) => `__test__/${f}`)]];
  }
  const smoke = '__test__/runtimes/smoke.mjs';
  return runtime.name === 'deno' ? [binary, ['run', ...DENO_PERMISSIONS, smoke]] : [binary, [smoke]];
}

// The counts from node --test's closing lines ("ℹ pass 12") or the smoke
// suite's last line ("12 passed, 0 failed, 1 skipped").
function summaryOf(suite, output) {
  const count = (pattern) => Number((output.match(pattern) || [])[1] || 0);
  if (suite === 'node') {
    return { passed: count(/^ℹ pass (\d+)$/m), failed: count(/^ℹ fail (\d+)$/m), skipped: count(/^ℹ skipped (\d+)$/m) };
  }
  return { passed: count(/^(\d+) passed, /m), failed: count(/ (\d+) failed/m), skipped: count(/ (\d+) skipped$/m) };
}

function run(runtime, logs) {
  const [command, args] = commandFor(runtime);
  const log = path.join(logs, `${runtime.name}.log`);
  // Tests that start `node` by name get this runtime's node.
  const env = { ...process.env, PATH: `${path.dirname(command)}${path.delimiter}${process.env.PATH}` };
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    // Written as it comes, so a runtime that hangs shows where.
    const file = fs.createWriteStream(log);
    let output = '';
    const record = (chunk) => {
      output += chunk;
      file.write(chunk);
    };
    child.stdout.on('data', record);
    child.stderr.on('data', record);
    child.on('error', (err) => record(`\n${err.message}\n`));
    const watchdog = setTimeout(() => {
      record(`\nstopped after ${LIMIT_MINUTES} minutes\n`);
      child.kill('SIGKILL');
    }, LIMIT_MINUTES * 60_000);
    child.on('close', (code, signal) => {
      clearTimeout(watchdog);
      file.end();
      const counts = summaryOf(runtime.suite, output);
      const ok = code === 0 && counts.failed === 0 && counts.passed > 0;
      resolve({ runtime, ok, code, signal, counts, seconds: (Date.now() - started) / 1000, log, output });
    });
  });
}

function lineOf({ runtime, ok, code, signal, counts, seconds }) {
  const exit = ok ? '' : ` (exit ${signal || code})`;
  const tests = `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`;
  return `${ok ? 'pass' : 'FAIL'}  ${runtime.label.padEnd(15)} ${tests}, ${seconds.toFixed(0)} s${exit}`;
}

async function main() {
  const started = Date.now();
  const runtimes = fetchRuntimes(process.argv.slice(2));
  const logs = path.join(CACHE, 'logs');
  fs.mkdirSync(logs, { recursive: true });
  const results = [];
  for (const runtime of runtimes) {
    const result = await run(runtime, logs);
    if (!result.ok) console.log(`--- ${runtime.label}, last lines of ${path.relative(ROOT, result.log)}:\n${result.output.slice(-4000)}`);
    console.log(lineOf(result));
    results.push(result);
  }
  const failed = results.filter((r) => !r.ok).length;
  console.log(`runtimes: ${results.length - failed} passed, ${failed} failed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  process.exitCode = failed ? 1 : 0;
}

main().catch((err) => {
  console.error(err.message);
  process.exitCode = 1;
});
