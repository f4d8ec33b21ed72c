'use strict';

// The WebAssembly backend runs its async work on WASI threads, each a
// worker_threads Worker that the generated loader starts. A thread that dies
// (a trap: a Rust panic aborts on wasm, or an error in the worker's glue)
// takes the lookups it was running with it: their promises would never
// settle, and emnapi's pending-request handle keeps the process waiting for
// them for good. So the Workers the loader starts are watched, and once one
// dies every pending and later lookup rejects with one clear error. The
// binding is never entered again after that: the dead thread may hold a lock
// in the shared wasm heap that a call would wait on forever.

const CODE = 'ERR_JWKS_RSA_NATIVE_WASM_THREAD';
// The binding's methods that return a promise a WASI thread settles.
const ASYNC_METHODS = ['lookup', 'signingKeys', 'document', 'refresh'];
// The loader's disposer. After a thread error it takes its crash path: it
// terminates the other Workers and releases emnapi's pending-request handle
// without entering wasm, so the process can exit.
const DISPOSE = Symbol.for('napi.rs.wasi.dispose');

/** @type {(Error & { code?: string }) | null} */
let failure = null;
/** @type {any} */
let guarded = null;
const pending = new Set();

function threadDied(cause, crashed) {
  if (failure) return;
  const reason = cause && cause.message ? cause.message : String(cause);
  failure = new Error(
    `jwks-rsa-native: a WebAssembly worker thread stopped (${reason}); ` +
      'lookups on the WebAssembly backend cannot complete in this process',
  );
  failure.code = CODE;
  failure.cause = cause;
  for (const reject of pending) reject(failure);
  pending.clear();
  // The loader's own 'error' listener runs after this one: dispose once it has
  // seen the crash. After a bare 'exit' it has not, and its ordinary disposal
  // would enter wasm, so the binding is left alone then.
  const dispose = guarded && guarded[DISPOSE];
  if (crashed && typeof dispose === 'function') {
    setImmediate(() => {
      Promise.resolve()
        .then(() => dispose.call(guarded))
        .catch(() => {});
    });
  }
}

// Any 'error' is a death. So is an 'exit' nobody asked for: the loader and
// emnapi end their Workers through terminate(), when they trim the idle pool
// or dispose of the binding.
function watch(worker) {
  let stopping = false;
  const terminate = worker.terminate;
  worker.terminate = function (...args) {
    stopping = true;
    return terminate.apply(this, args);
  };
  worker.on('error', (err) => threadDied(err, true));
  worker.on('exit', (code) => {
    if (!stopping) threadDied(new Error(`the worker exited with code ${code}`), false);
  });
}

// Runs `load` (the require of the generated loader) with Worker replaced by a
// watching constructor: the loader and its runtime take Worker from
// worker_threads when they load, and keep it.
function loadWatchingWorkers(load) {
  // Required here, not at the top: worker_threads costs milliseconds of
  // require(), and only a load through the generated loader needs it.
  const workerThreads = require('worker_threads');
  const Worker = workerThreads.Worker;
  const Watched = new Proxy(Worker, {
    construct(target, args, newTarget) {
      const worker = Reflect.construct(target, args, newTarget === Watched ? target : newTarget);
      watch(worker);
      return worker;
    },
  });
  workerThreads.Worker = Watched;
  try {
    return load();
  } finally {
    workerThreads.Worker = Worker;
  }
}

// `promise`, rejected with the thread failure if one comes first.
function settledByThreads(promise) {
  return new Promise((resolve, reject) => {
    pending.add(reject);
    promise.then(
      (value) => {
        pending.delete(reject);
        resolve(value);
      },
      (err) => {
        pending.delete(reject);
        reject(err);
      },
    );
  });
}

// Makes the async methods of the wasm binding's NativeClient reject instead of
// hanging when a WASI thread dies.
function guardWasmBinding(binding) {
  guarded = binding;
  const proto = binding.NativeClient.prototype;
  for (const name of ASYNC_METHODS) {
    const method = proto[name];
    if (typeof method !== 'function') continue;
    proto[name] = function guarded(...args) {
      if (failure) return Promise.reject(failure);
      // `lookup` answers a cached key at once, without a promise.
      const answer = method.apply(this, args);
      return answer instanceof Promise ? settledByThreads(answer) : answer;
    };
  }
}

module.exports = { loadWatchingWorkers, guardWasmBinding, CODE };
