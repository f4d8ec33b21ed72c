'use strict';

const { toError } = require('./native-errors');
const { MAX_DATE_MS } = require('./constants');

// client.health(): what a readiness probe or a dashboard needs, from the
// native client's state and the refresher's timer. Times are Date.now() ms.
function describeHealth(state, refresher, now) {
  // A client of an issuer before its first discovery has no set yet.
  if (state === undefined) return { fresh: false, lastFetchAt: null, lastError: null, nextRefreshAt: null, keys: 0 };
  const freshUntil = state.freshUntil;
  return {
    // The cached set answers lookups without a fetch.
    fresh: freshUntil != null && now <= freshUntil,
    lastFetchAt: state.fetchedAt ?? null,
    lastError: state.lastError ? toError(state.lastError) : null,
    nextRefreshAt: nextRefresh(freshUntil, refresher),
    keys: state.keys,
  };
}

// The earliest of: the background timer, and the instant from which a
// lookup refreshes the set (its expiry, or the start of the refresh-ahead
// window). A time past what a Date holds never comes (a set that never
// expires, a max-age of 2^64 - 1 s with cacheMaxAge 0): none, `null`.
function nextRefresh(freshUntil, refresher) {
  const byLookup = freshUntil != null ? dateTime(refresher.refreshFrom(freshUntil)) : null;
  const byTimer = refresher.nextRunAt;
  if (byLookup === null) return byTimer;
  return byTimer === null ? byLookup : Math.min(byLookup, byTimer);
}

/** `ms` if a Date can hold it, else null. */
function dateTime(ms) {
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_DATE_MS ? ms : null;
}

module.exports = { describeHealth };
