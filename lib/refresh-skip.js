'use strict';

// Whether a refresh the client starts by itself (refreshAhead, the
// background timer) can be answered from the set in use instead of a fetch:
// the set is already as new as that trigger asks for. It happens when
// something else fetched meanwhile: a lookup's miss, reload(), or, with
// shareAcrossThreads, any other thread's client of the same shared set, so
// that a fleet of sharing threads fetches once per period or window rather
// than once per thread. reload() and warm() always fetch.

/**
 * A background run skips a set fetched less than this share of its period
 * ago; below the timer's least delay (90% of the period), so a client
 * alone still fetches at every tick of its own timer.
 */
const RECENT = 0.8;

/**
 * `health` is the native `{ fetchedAt, freshUntil }` at `now`; `ahead` the
 * refresh-ahead window and `every` the background period (ms).
 */
function alreadyFresh(trigger, health, now, ahead, every) {
  const { fetchedAt, freshUntil } = health;
  if (fetchedAt == null || freshUntil == null || now > freshUntil) return false;
  if (trigger === 'backgroundRefresh') return now - fetchedAt < every * RECENT;
  if (trigger === 'refreshAhead') return now < windowOpens(fetchedAt, freshUntil, ahead);
  return false;
}

// When a set fetched at `fetchedAt`, fresh until `freshUntil`, enters its
// refresh-ahead window. Its life may be shorter than cacheMaxAge
// (respectCacheControl): the window then opens half-way at the latest, so
// a short life never means a fetch per lookup.
function windowOpens(fetchedAt, freshUntil, ahead) {
  if (freshUntil === Infinity) return Infinity;
  const life = freshUntil - fetchedAt;
  return fetchedAt + Math.max(life - ahead, life / 2);
}

module.exports = { alreadyFresh, windowOpens };
