'use strict';

// Order statistics over samples; every figure quotes medians.

function sorted(samples) {
  return [...samples].sort((a, b) => a - b);
}

/** The median; the mean of the two middle samples for an even count. */
function median(samples) {
  if (samples.length === 0) return NaN;
  const s = sorted(samples);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The nearest-rank percentile, `p` in [0, 100]. */
function percentile(samples, p) {
  if (samples.length === 0) return NaN;
  const s = sorted(samples);
  const rank = Math.ceil((p / 100) * s.length);
  return s[Math.min(s.length - 1, Math.max(0, rank - 1))];
}

/** Milliseconds elapsed since `start`, a `process.hrtime.bigint()` reading. */
function msSince(start) {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

module.exports = { median, percentile, msSince };
