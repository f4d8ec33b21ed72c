'use strict';

// The clocks jwks-rsa's rate limiter (the `limiter` package) reads, read the
// same way: its minute runs on process.hrtime() in whole milliseconds, its
// token bucket on `new Date()`. Fake timers that replace either move the
// native limiter exactly as they move jwks-rsa's.
function limiterClock(waited) {
  const [seconds, nanoseconds] = process.hrtime();
  return {
    monotonic: seconds * 1e3 + Math.floor(nanoseconds / 1e6),
    // biome-ignore lint/complexity/useDateNow: read as the limiter package reads it
    wall: new Date().getTime(),
    waited,
  };
}

/**
 * The answer of `ask(now, clock)` once the rate limiter stops saying wait.
 * Each wait runs on this realm's timers (fake ones included), as jwks-rsa's
 * limiter waits; after one, the clock says so and only the bucket is tried
 * again. Without `limited`, `ask` gets no clock and is asked once.
 * @template T
 * @param {(now: number, clock: any) => Promise<T>} ask
 * @param {number} now
 * @param {boolean} limited
 * @returns {Promise<T>}
 */
async function admitted(ask, now, limited) {
  /** @type {any} */
  let answer = await ask(now, limited ? limiterClock(false) : undefined);
  while (answer.retryAfter != null) {
    const wait = answer.retryAfter;
    await new Promise((resolve) => setTimeout(resolve, wait));
    answer = await ask(Date.now(), limiterClock(true));
  }
  return answer;
}

module.exports = { admitted, limiterClock };
