'use strict';

// Rows of the report: each compares one figure of jwks-rsa (`base`) with
// this package (`ours`) and says whether the ratio meets its bar.

const format = require('./format');

/**
 * More is better (throughput): ratio ours/base must reach `min`. A figure
 * measured in pairs may pass its own `ratio` (the median of paired ratios).
 */
function atLeast({ figure, base, ours, min, fmt, note, ratio = ours / base }) {
  return {
    figure,
    base: fmt(base),
    ours: fmt(ours),
    ratio: format.ratio(ratio),
    bar: `>= ${min}x`,
    pass: ratio >= min,
    note,
  };
}

/** Less time is better: the speed-up base/ours must reach `min`. */
function faster({ figure, base, ours, min, note }) {
  const speedup = base / ours;
  return {
    figure,
    base: format.ms(base),
    ours: format.ms(ours),
    ratio: `${format.ratio(speedup)} faster`,
    bar: `>= ${min}x faster`,
    pass: speedup >= min,
    note,
  };
}

/** Less is better (time, memory, size): ratio ours/base must stay within `max`. */
function atMost({ figure, base, ours, max, fmt, note }) {
  const ratio = ours / base;
  return {
    figure,
    base: fmt(base),
    ours: fmt(ours),
    ratio: format.ratio(ratio),
    bar: `<= ${max}x`,
    pass: ratio <= max,
    note,
  };
}

/** A row whose bar is not a plain ratio. */
function custom({ figure, base, ours, ratio = '-', bar, pass, note }) {
  return { figure, base, ours, ratio, bar, pass, note };
}

/** A row that could not be measured; `pass` stays undecided. */
function skipped({ figure, bar, reason }) {
  return { figure, base: '-', ours: '-', ratio: '-', bar, pass: null, note: `skipped: ${reason}` };
}

module.exports = { atLeast, faster, atMost, custom, skipped };
