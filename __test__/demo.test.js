'use strict';

// `npm run demo` must finish by itself, quickly, with every step as it
// expects (the demo checks each outcome and exits non-zero otherwise).

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('child_process');
const path = require('path');

test('the demo runs every step and exits 0 within seconds', { timeout: 30000 }, async () => {
  const script = path.join(__dirname, '..', 'scripts', 'demo.js');
  const started = Date.now();
  const { code, stdout, stderr } = await new Promise((resolve) => {
    execFile(process.execPath, [script], { timeout: 25000 }, (err, stdout, stderr) => {
      resolve({ code: err ? err.code : 0, stdout, stderr });
    });
  });
  assert.equal(code, 0, stderr || stdout);
  assert.ok(Date.now() - started < 15000, 'finishes in seconds');
  for (let step = 1; step <= 10; step += 1) assert.match(stdout, new RegExp(`^${step}\\. `, 'm'));
  assert.match(stdout, /First request, RS256 token: 200/);
  assert.match(stdout, /200 x 200/);
  assert.match(stdout, /forged kid: 401/);
  assert.match(stdout, /rotates in rsa-2\. A token signed with it: 200/);
  assert.match(stdout, /Too many requests to the JWKS endpoint/);
  assert.match(stdout, /onStaleCacheFallback was told\s+kid rsa-1/);
  assert.match(stdout, /^9\. /m);
  assert.match(stdout, /1 full response,\s+1 "304 Not Modified"/);
  assert.match(stdout, /^10\. .*refreshAhead: true.*\n.*from the cache; it started\n.*identity provider requests: 2/m);
});
