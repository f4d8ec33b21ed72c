#!/usr/bin/env node
'use strict';

// Prints the path of a Node.js 22 binary, installing it from the npm
// registry (the `node` package) into .cache/node22 on first use, so the
// ESM tests run on Node 20 and 22 alike.

const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const prefix = path.join(__dirname, '..', '.cache', 'node22');
const binary = path.join(prefix, 'node_modules', '.bin', 'node');

function installed() {
  try {
    return execFileSync(binary, ['-v'], { encoding: 'utf8' }).startsWith('v22.');
  } catch {
    return false;
  }
}

if (!installed()) {
  fs.mkdirSync(prefix, { recursive: true });
  execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', prefix, 'node@22'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
process.stdout.write(binary);
