'use strict';

// getSigningKey with `refreshAhead` on: before the memo's own lookup, one
// comparison. A hit within the window of its expiry starts the refresh
// (at most one at a time) and is answered at once from the memo, so with
// steady traffic no lookup waits for the endpoint after the first. The
// lookup without the option is left exactly as it is.
function refreshAheadLookup(memo, refresher, lookup) {
  const entries = memo.entries;
  const ahead = refresher.ahead;
  return (kid, cb) => {
    const hit = entries.get(kid);
    if (hit !== undefined) {
      const now = Date.now();
      if (now >= hit.expires - ahead && now <= hit.expires) refresher.due(now, hit.expires);
    }
    return lookup(kid, cb);
  };
}

module.exports = { refreshAheadLookup };
