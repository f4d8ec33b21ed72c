'use strict';

// Fake timers in the manner of @sinonjs/fake-timers, over every clock that
// jwks-rsa and this package read: Date (`Date.now()` and `new Date()`),
// process.hrtime (the rate limiter's minute), performance.now (lru-cache's
// ages) and the global setTimeout/clearTimeout (lru-cache's clock debounce,
// the rate limiter's waits). Node's sockets keep their own real timers.
//
// `fn` receives a clock: `advance(ms)` moves time and runs the timers that
// fall due; `pending()` lists the delays of the timers still waiting. With
// `{ monotonic: false }`, advance() leaves process.hrtime and
// performance.now alone, as a fake that replaces only Date does.
async function withFakeTimers(fn, { start = 1_700_000_000_000, monotonic = true } = {}) {
  const real = {
    Date,
    hrtime: process.hrtime,
    perfNow: Object.getOwnPropertyDescriptor(performance, 'now'),
    setTimeout: globalThis.setTimeout,
    clearTimeout: globalThis.clearTimeout,
  };
  let now = start;
  // The monotonic clock, in ms since an arbitrary origin.
  let mono = 7_000_000;
  let timers = [];
  let ids = 0;

  global.Date = class extends real.Date {
    constructor(...args) {
      super(...(args.length ? args : [now]));
    }

    static now() {
      return now;
    }
  };
  const monoNs = () => BigInt(mono) * 1_000_000n;
  process.hrtime = Object.assign(
    (previous) => {
      const ns = monoNs() - (previous ? BigInt(previous[0]) * 1_000_000_000n + BigInt(previous[1]) : 0n);
      return [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
    },
    { bigint: monoNs },
  );
  performance.now = () => mono;
  globalThis.setTimeout = (callback, ms, ...args) => {
    const timer = {
      id: ++ids,
      due: now + Math.max(1, Math.trunc(Number(ms)) || 0),
      callback,
      args,
      ref: () => timer,
      unref: () => timer,
      hasRef: () => true,
    };
    timers.push(timer);
    return timer;
  };
  globalThis.clearTimeout = (timer) => {
    if (timers.includes(timer)) timers = timers.filter((t) => t !== timer);
    else real.clearTimeout(timer);
  };

  const clock = {
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.due <= end).sort((a, b) => a.due - b.due || a.id - b.id)[0];
        if (!due) break;
        timers = timers.filter((t) => t !== due);
        if (monotonic) mono += due.due - now;
        now = due.due;
        due.callback(...due.args);
      }
      if (monotonic) mono += end - now;
      now = end;
    },
    pending() {
      return timers.map((t) => t.due - now);
    },
  };
  try {
    await fn(clock);
  } finally {
    global.Date = real.Date;
    process.hrtime = real.hrtime;
    if (real.perfNow) Object.defineProperty(performance, 'now', real.perfNow);
    else delete performance.now;
    globalThis.setTimeout = real.setTimeout;
    globalThis.clearTimeout = real.clearTimeout;
  }
}

// A seeded generator (mulberry32): the same seed, the same sequence.
function seeded(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n), pick: (list) => list[Math.floor(next() * list.length)] };
}

module.exports = { withFakeTimers, seeded };
