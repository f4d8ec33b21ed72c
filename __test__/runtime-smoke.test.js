'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const path = require('node:path');

// The smoke suite `npm run test:runtimes` runs on Bun and Deno, here on this
// Node.js: it keeps passing where the reference runtime is, and its closing
// line is what the matrix reads.

test('the Bun and Deno smoke suite passes on this Node.js', async () => {
  const smoke = path.join(__dirname, 'runtimes', 'smoke.mjs');
  const { code, stdout } = await new Promise((resolve) => {
    execFile(process.execPath, [smoke], (err, out) => resolve({ code: err ? err.code : 0, stdout: out }));
  });
  const lines = stdout.trimEnd().split('\n');
  assert.equal(code, 0, stdout);
  assert.equal(lines[0], `# Node.js ${process.version}`);
  assert.match(lines.at(-1), /^\d+ passed, 0 failed, 1 skipped$/);
  assert.deepEqual(
    lines.filter((l) => l.startsWith('skip ')),
    ['skip without --allow-ffi, require says which flag is missing: only Deno has permissions'],
  );
});
