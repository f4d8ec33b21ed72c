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

module.exports = { limiterClock };
