'use strict';

// shareAcrossThreads with workers that come and go: the shared set outlives
// its last worker until its own expiry, so a pool that recycles its threads
// does not fetch it again; once expired it is fetched again and its entry
// dropped.

const { test, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('child_process');
const path = require('path');
const { backend } = require('../lib/loader/native');
const { generate } = require('./helpers/keys');
const { startJwksServer } = require('./helpers/server');
const { startWorker } = require('./helpers/threads');

const skip = backend === 'native' ? false : 'the WebAssembly backend does not share across threads';
const key = generate('RS256', 'k1');

let server;
before(async () => {
  server = await startJwksServer([key.jwk]);
});
after(() => server.close());
beforeEach(() => {
  server.state.requests.length = 0;
});

// Options unique to each test, so no test finds another's shared set.
let serial = 0;
function sharedOptions(extra = {}) {
  return { jwksUri: `${server.url}?lifetime=${++serial}`, shareAcrossThreads: true, ...extra };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// One worker's whole life: made, one lookup, gone (by terminate() or by its
// own process.exit()) before this resolves.
async function oneShot(options, how = 'terminate') {
  const worker = await startWorker(options);
  const pem = await worker.call('key', { kid: 'k1' });
  if (how === 'exit') worker.call('exit', { code: 0 }).catch(() => {});
  else await worker.terminate();
  await worker.exited;
  return pem;
}

function runNode(args) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, out, err })));
}

test('workers one after another, each gone before the next starts, make 1 request while the set is fresh', { skip }, async () => {
  const options = sharedOptions({ cacheMaxAge: 60_000 });
  for (let i = 0; i < 8; i++) {
    assert.equal(await oneShot(options, i % 2 ? 'exit' : 'terminate'), key.pem);
  }
  assert.equal(server.count, 1);
});

test('a set with no expiry (cacheMaxAge: 0) is kept past its last worker too', { skip }, async () => {
  const options = sharedOptions({ cacheMaxAge: 0 });
  for (let i = 0; i < 3; i++) assert.equal(await oneShot(options), key.pem);
  assert.equal(server.count, 1);
});

test('a worker after the set expired fetches it again', { skip }, async () => {
  const options = sharedOptions({ cacheMaxAge: 300 });
  assert.equal(await oneShot(options), key.pem);
  assert.equal(server.count, 1);
  await sleep(400);
  assert.equal(await oneShot(options), key.pem);
  assert.equal(server.count, 2);
});

test('a set never fetched, or without a cache, is not kept', { skip }, async () => {
  const script = `
    const { startWorker } = require(${JSON.stringify(path.join(__dirname, 'helpers', 'threads'))});
    const { binding } = require(${JSON.stringify(path.join(__dirname, '..', 'lib', 'loader', 'native'))});
    (async () => {
      const idle = await startWorker({ jwksUri: ${JSON.stringify(server.url)} + '?idle', shareAcrossThreads: true });
      await idle.terminate();
      const uncached = await startWorker({ jwksUri: ${JSON.stringify(server.url)} + '?uncached', shareAcrossThreads: true, cache: false });
      await uncached.call('key', { kid: 'k1' });
      await uncached.terminate();
      console.log(binding.sharedClients(), binding.sharedSetsKept());
    })();
  `;
  assert.deepEqual(await runNode(['-e', script]), { code: 0, signal: null, out: '0 0\n', err: '' });
});

// In a process of its own, where no other test's sets are counted.
test('a kept set is dropped once expired: no entry outlives its set', { skip }, async () => {
  const script = `
    const { startWorker } = require(${JSON.stringify(path.join(__dirname, 'helpers', 'threads'))});
    const { binding } = require(${JSON.stringify(path.join(__dirname, '..', 'lib', 'loader', 'native'))});
    const uri = ${JSON.stringify(server.url)};
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    (async () => {
      const long = await startWorker({ jwksUri: uri + '?long', shareAcrossThreads: true, cacheMaxAge: 60000 });
      await long.call('key', { kid: 'k1' });
      const counts = [binding.sharedClients(), binding.sharedSetsKept()];
      await long.terminate();
      counts.push(binding.sharedClients(), binding.sharedSetsKept());
      const short = await startWorker({ jwksUri: uri + '?short', shareAcrossThreads: true, cacheMaxAge: 300 });
      await short.call('key', { kid: 'k1' });
      await short.terminate();
      await sleep(400);
      // Past the short set's expiry: only the long one is kept.
      counts.push(binding.sharedClients(), binding.sharedSetsKept());
      // A new client for the long set finds it kept, and holds it again.
      const again = await startWorker({ jwksUri: uri + '?long', shareAcrossThreads: true, cacheMaxAge: 60000 });
      await again.call('key', { kid: 'k1' });
      counts.push(binding.sharedClients(), binding.sharedSetsKept());
      await again.terminate();
      console.log(counts.join(' '));
    })();
  `;
  assert.deepEqual(await runNode(['-e', script]), { code: 0, signal: null, out: '1 0 0 1 0 1 1 0\n', err: '' });
  assert.equal(server.count, 2);
});
