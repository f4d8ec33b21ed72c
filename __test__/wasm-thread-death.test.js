'use strict';

// On the WebAssembly backend a lookup runs on a WASI thread, a worker_threads
// Worker. When that thread dies mid-lookup (a trap: Node reports it as the
// Worker's 'error' with a WebAssembly.RuntimeError, and emnapi then terminates
// every thread), the lookup rejects with a clear error instead of never
// settling, later lookups reject at once, and the process can still exit.
// Runs where the suite runs on that backend (see package/wasm.test.js).

const workerThreads = require('worker_threads');

// Every Worker the wasm loader starts, so the test can fail the one that runs
// the lookup. Installed before the package loads: the loader keeps the
// constructor it finds.
const workers = [];
const { Worker } = workerThreads;
const Recording = new Proxy(Worker, {
  construct(target, args, newTarget) {
    const worker = Reflect.construct(target, args, newTarget === Recording ? target : newTarget);
    workers.push(worker);
    return worker;
  },
});
workerThreads.Worker = Recording;

const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const native = require('..');
const { backend } = require('../lib/loader/native');
const { CODE } = require('../lib/loader/wasm-threads');
const { generate } = require('./helpers/keys');
const { startJwksServer } = require('./helpers/server');

workerThreads.Worker = Worker;

const skip = backend !== 'wasm' && 'the native backend has no WASI threads';
let server;
after(() => server && server.close());

test('a lookup whose WASI thread dies rejects with a clear error, and so do later ones', { skip }, async () => {
  const key = generate('RS256', 'k1');
  server = await startJwksServer([key.jwk]);
  const client = native({ jwksUri: server.url });
  // One lookup end to end first: the runtime's threads are up.
  assert.equal((await client.getSigningKey('k1')).kid, 'k1');
  const threads = workers.filter((worker) => worker.threadId > 0);
  assert.ok(threads.length > 0, 'the wasm runtime started no Worker');

  let release;
  server.state.gate = new Promise((resolve) => {
    release = resolve;
  });
  const seen = server.state.requests.length;
  const lookup = client.getSigningKey('k2').then(
    () => null,
    (err) => err,
  );
  await server.requested(seen + 1);

  // What Node does when a wasm thread traps: the Worker's 'error' event. emnapi's
  // listener terminates all threads, then rethrows the error.
  const trap = new WebAssembly.RuntimeError('unreachable');
  assert.throws(() => threads[0].emit('error', trap), trap);
  release();

  const err = await lookup;
  assert.ok(err instanceof Error, 'the lookup settled without an error');
  assert.equal(err.code, CODE);
  assert.match(err.message, /a WebAssembly worker thread stopped \(unreachable\)/);
  assert.equal(err.cause, trap);

  const later = await client.getSigningKey('k3').then(
    () => null,
    (e) => e,
  );
  assert.equal(later, err);
});
