'use strict';

const { numericOption } = require('./options');
const { MIN_BACKGROUND_MS } = require('./constants');

// `refreshAhead` and `backgroundRefresh`, read once when a client is built.
// Both are off unless set; both need the cache, which they keep fresh. A
// value out of range is an ArgumentError (lib/options.js: NUMERIC_OPTIONS),
// even where the option is then ignored (no cache).

/** `refreshAhead: true`: this share of cacheMaxAge before expiry. */
const DEFAULT_AHEAD_SHARE = 0.1;
/** The window never reaches past half the set's life: a wider one would fetch on every lookup. */
const MAX_AHEAD_SHARE = 0.5;

// The refresh-ahead window in ms, or 0 when off. It needs a set that
// expires: with no cache or cacheMaxAge 0 nothing expires to refresh ahead of.
function aheadWindow(value, cacheMaxAge) {
  const ahead = numericOption('refreshAhead', value);
  if (ahead === 0 || ahead === false || !cacheMaxAge) return 0;
  const ms = ahead === true ? Math.ceil(cacheMaxAge * DEFAULT_AHEAD_SHARE) : ahead;
  return Math.max(1, Math.min(ms, Math.floor(cacheMaxAge * MAX_AHEAD_SHARE)));
}

// The background period in ms (0: off), from MIN_BACKGROUND_MS to the
// longest delay of one Node timer.
function backgroundPeriod(value) {
  const every = numericOption('backgroundRefresh', value);
  return every === false ? 0 : every;
}

/**
 * `{ ahead, every }` in ms (0: off) from a client's options and the cache
 * settings read for it (`config.cache`, `config.cacheMaxAge`).
 */
function refreshSettings(options, config) {
  const ahead = aheadWindow(options.refreshAhead, config.cacheMaxAge);
  const every = backgroundPeriod(options.backgroundRefresh);
  if (!config.cache) return { ahead: 0, every: 0 };
  return { ahead, every };
}

module.exports = { refreshSettings, MIN_BACKGROUND_MS };
