'use strict';

const { ArgumentError } = require('./errors');

// `refreshAhead` and `backgroundRefresh`, read once when a client is built.
// Both are off unless set; both need the cache, which they keep fresh.

/** `refreshAhead: true`: this share of cacheMaxAge before expiry. */
const DEFAULT_AHEAD_SHARE = 0.1;
/** The window never reaches past half the set's life: a wider one would fetch on every lookup. */
const MAX_AHEAD_SHARE = 0.5;
/** Shortest period of the background refresh: no option makes it hammer the endpoint. */
const MIN_BACKGROUND_MS = 1000;
/** Longest period: Node's timers clamp to 2^31 - 1 ms. */
const MAX_BACKGROUND_MS = 2147483647;

function isOff(value) {
  return value === undefined || value === null || value === false || value === 0;
}

function positiveMs(name, value) {
  if (typeof value !== 'number' || !(value > 0)) {
    throw new ArgumentError(`${name} must be a positive number of milliseconds`);
  }
  return Math.floor(value);
}

// The refresh-ahead window in ms, or 0 when off. It needs a set that
// expires: with no cache or cacheMaxAge 0 nothing expires to refresh ahead of.
function aheadWindow(value, cacheMaxAge) {
  if (isOff(value)) return 0;
  const ms = value === true ? Math.ceil(cacheMaxAge * DEFAULT_AHEAD_SHARE) : positiveMs('refreshAhead', value);
  if (!cacheMaxAge) return 0;
  return Math.max(1, Math.min(ms, Math.floor(cacheMaxAge * MAX_AHEAD_SHARE)));
}

function backgroundPeriod(value) {
  if (isOff(value)) return 0;
  return Math.min(Math.max(positiveMs('backgroundRefresh', value), MIN_BACKGROUND_MS), MAX_BACKGROUND_MS);
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
