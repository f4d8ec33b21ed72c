'use strict';

// Runs `fn` with Date.now() under the test's control, the way fake timers
// drive it; `fn` receives `advance(ms)`.
async function withClock(fn, start = 1_700_000_000_000) {
  const realNow = Date.now;
  let now = start;
  Date.now = () => now;
  try {
    await fn((ms) => {
      now += ms;
    });
  } finally {
    Date.now = realNow;
  }
}

module.exports = { withClock };
