'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const path = require('node:path');
const { withoutBackendNotes } = require('./helpers/backend');

const scenario = path.join(__dirname, 'fixtures', 'debug-scenario.js');

function run(lib, env) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [scenario, lib], { env: { ...process.env, DEBUG_COLORS: '', ...env } }, (err, stdout, stderr) =>
      err ? reject(err) : resolve(withoutBackendNotes(stderr)),
    );
  });
}

// The log without what legitimately differs between runs.
function normalize(stderr) {
  return stderr
    .replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /gm, '<time> ')
    .replace(/127\.0\.0\.1:\d+/g, '<host>')
    .replace(/'[A-Za-z0-9_-]{40,}'/g, '<b64>')
    .replace(/minute: [\d.]+/g, 'minute: <n>');
}

test('DEBUG=jwks prints the lines jwks-rsa prints, in the debug module format', async () => {
  const [ours, theirs] = await Promise.all([run(path.join(__dirname, '..'), { DEBUG: 'jwks' }), run('jwks-rsa', { DEBUG: 'jwks' })]);
  assert.match(ours, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z jwks Configured rate limiting to JWKS endpoint at 2\/minute$/m);
  assert.match(ours, /jwks Unable to find a signing key that matches 'nope'$/m);
  assert.match(ours, /jwks Too many requests to the JWKS endpoint$/m);
  assert.equal(normalize(ours), normalize(theirs));
});

test('nothing is printed when DEBUG does not name jwks', async () => {
  for (const DEBUG of ['', 'express:*', '*,-jwks']) {
    assert.equal(await run(path.join(__dirname, '..'), { DEBUG }), '', `DEBUG=${DEBUG}`);
  }
});

test('wildcards enable it, and DEBUG_COLORS gives the coloured format', async () => {
  const coloured = await run(path.join(__dirname, '..'), { DEBUG: 'jw*', DEBUG_COLORS: '1' });
  assert.match(
    coloured,
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the ANSI colour escapes debug prints
    /^ {2}\u001b\[3\d;1mjwks \u001b\[0mConfigured caching of signing keys\. Max: 5 \/ Age: 600000 \u001b\[3\dm\+\d+ms\u001b\[0m$/m,
  );
});
