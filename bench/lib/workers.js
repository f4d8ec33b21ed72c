'use strict';

// Starts measuring processes (see worker.js) and calls tasks in them.

const { fork } = require('child_process');
const path = require('path');
const { orderFor } = require('./impls');

const WORKER = path.join(__dirname, 'worker.js');

class Worker {
  #child;
  #pending = new Map();
  #nextId = 0;
  #exited;

  constructor(impl, execArgv) {
    this.impl = impl;
    // The worker's stdout goes to our stderr: stdout carries only the report.
    this.#child = fork(WORKER, [impl], { execArgv, stdio: ['ignore', 2, 2, 'ipc'] });
    this.#child.on('message', ({ id, result, error }) => {
      const call = this.#pending.get(id);
      if (!call) return;
      this.#pending.delete(id);
      clearTimeout(call.timer);
      if (error) call.reject(new Error(`[${impl}] ${error}`));
      else call.resolve(result);
    });
    this.#exited = new Promise((resolve) => {
      this.#child.on('exit', (code, signal) => {
        for (const call of this.#pending.values()) {
          clearTimeout(call.timer);
          call.reject(new Error(`[${impl}] worker exited (${signal || code}) during a task`));
        }
        this.#pending.clear();
        resolve();
      });
    });
  }

  /** Runs `tasks[task](params)` of `figures/<figure>.js` in the worker. */
  call(figure, task, params = {}, { timeoutMs = 120000 } = {}) {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`[${this.impl}] ${figure}.${task} timed out after ${timeoutMs} ms`));
        this.kill();
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      this.#child.send({ id, figure, task, params });
    });
  }

  /** Lets the worker exit, pending lookups and all. */
  close() {
    if (this.#child.connected) this.#child.disconnect();
    return this.#exited;
  }

  kill() {
    this.#child.kill('SIGKILL');
    return this.#exited;
  }
}

/** One worker per implementation name. */
function startWorkers(impls, { execArgv = [] } = {}) {
  return Object.fromEntries(impls.map((impl) => [impl, new Worker(impl, execArgv)]));
}

async function closeAll(workers) {
  await Promise.all(Object.values(workers).map((w) => w.close()));
}

/**
 * Runs `measure(worker, round)` for every implementation, `rounds` times,
 * in alternating order, and returns the samples by implementation.
 */
async function alternate(workers, rounds, measure) {
  const samples = Object.fromEntries(Object.keys(workers).map((impl) => [impl, []]));
  for (let round = 0; round < rounds; round++) {
    for (const impl of orderFor(round, Object.keys(workers))) {
      samples[impl].push(await measure(workers[impl], round));
    }
  }
  return samples;
}

module.exports = { Worker, startWorkers, closeAll, alternate };
