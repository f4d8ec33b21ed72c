'use strict';

// The demo's refresh-ahead step, on its own identity provider and client:
// near the end of the cache's life a lookup is answered from the cache and
// refreshes the set in the background, so no lookup waits at the expiry.

const diagnostics = require('diagnostics_channel');
const jwksClient = require('..');
const { startIdentityProvider } = require('../examples/identity-provider');

const MINUTE = 60 * 1000;

function timed(lookup) {
  const started = process.hrtime.bigint();
  return lookup().then((key) => ({ key, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
}

function nextRefresh(client) {
  return new Promise((resolve) => {
    const onRefresh = (message) => {
      if (message.client !== client) return;
      diagnostics.unsubscribe('jwks-rsa-native:refresh', onRefresh);
      resolve(message);
    };
    diagnostics.subscribe('jwks-rsa-native:refresh', onRefresh);
  });
}

/** Step `n`; `advance(ms)` moves the demo's clock; `expect(ok, what)` checks. */
async function refreshAheadStep(n, { advance, expect }) {
  const idp = await startIdentityProvider();
  try {
    const client = jwksClient({ jwksUri: idp.jwksUri, cacheMaxAge: 10 * MINUTE, refreshAhead: true });
    await client.getSigningKey('rsa-1');
    advance(9.5 * MINUTE);
    const refreshed = nextRefresh(client);
    const near = await timed(() => client.getSigningKey('rsa-1'));
    const message = await refreshed;
    const started = idp.requests;
    advance(MINUTE);
    const after = [];
    for (let i = 0; i < 100; i++) after.push((await timed(() => client.getSigningKey(i % 2 ? 'rsa-1' : 'ec-1'))).ms);
    const health = client.health();
    expect(started === 2 && message.ok && idp.requests === 2 && health.fresh, 'refresh-ahead keeps the cache fresh');
    console.log(`${n}. A client with { cacheMaxAge: 10 minutes, refreshAhead: true } (the last minute of the set's life).`);
    console.log(`   9.5 minutes later (the clock is moved), a lookup: ${near.ms.toFixed(2)} ms, from the cache; it started`);
    console.log(`   one refresh in the background (identity provider requests: ${started}).`);
    console.log(`   A minute later, past the old expiry: 100 lookups, the slowest ${Math.max(...after).toFixed(2)} ms, no request;`);
    console.log(
      `   health(): fresh ${health.fresh}, ${health.keys} keys, next refresh in ${((health.nextRefreshAt - Date.now()) / MINUTE).toFixed(1)} minutes.`,
    );
  } finally {
    await idp.stop();
  }
}

module.exports = { refreshAheadStep };
