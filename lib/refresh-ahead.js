'use strict';

const { rejectCallback } = require('./callback');

// getSigningKey with `refreshAhead` on: the memo's hit path plus one
// comparison. A hit within the window of its expiry starts the refresh
// (at most one at a time) and is answered at once from the memo, so with
// steady traffic no lookup waits for the endpoint after the first.
function refreshAheadLookup(memo, refresher, miss) {
  const entries = memo.entries;
  const ahead = refresher.ahead;
  return (kid, cb) => {
    const hit = entries.get(kid);
    const now = Date.now();
    if (hit !== undefined && hit.expires >= now) {
      if (now >= hit.expires - ahead) refresher.due(now, hit.expires);
      hit.used = ++memo.seq;
      hit.seenAt = now;
      memo.hits++;
      if (!cb) return Promise.resolve(hit.key);
      if (typeof cb !== 'function') rejectCallback(cb);
      process.nextTick(cb, null, hit.key);
      return undefined;
    }
    return miss(kid, cb);
  };
}

module.exports = { refreshAheadLookup };
