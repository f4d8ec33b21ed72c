'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const jwksClient = require('..');
const { startProvider, corpusSet } = require('./helpers/oidc-provider');
const { withFakeTimers } = require('./helpers/fake-timers');

// reload(), warm(), health(), close() and backgroundRefresh on a client
// configured with `issuer`: they reach the client of the discovered set.

test('warm() discovers the set and fetches it; health() and reload() follow that set', async () => {
  const provider = await startProvider();
  try {
    const google = corpusSet('google');
    const tenant = provider.tenant('google', google.keys);
    const client = jwksClient({ issuer: tenant.issuer });
    assert.deepEqual(client.health(), { fresh: false, lastFetchAt: null, lastError: null, nextRefreshAt: null, keys: 0 });
    const keys = await client.warm();
    assert.deepEqual(
      keys.map((k) => k.kid),
      google.keys.map((k) => k.kid),
    );
    assert.equal(client.health().fresh, true);
    assert.equal(client.health().keys, google.keys.length);
    await client.getSigningKey(google.keys[0].kid);
    assert.equal(provider.count(tenant.keysPath), 1, 'the lookup was answered from the warmed set');
    await client.reload();
    assert.equal(provider.count(tenant.keysPath), 2);
    assert.equal(provider.count(tenant.documentPath), 1);
  } finally {
    await provider.close();
  }
});

test('close() stops the background refresh of the discovered set', async () => {
  const provider = await startProvider();
  try {
    const tenant = provider.tenant('auth0', corpusSet('auth0').keys);
    await withFakeTimers(async (clock) => {
      const client = jwksClient({ issuer: tenant.issuer, backgroundRefresh: 60000 });
      await client.warm();
      assert.equal(clock.pending().length, 1);
      client.close();
      assert.deepEqual(clock.pending(), []);
    });
  } finally {
    await provider.close();
  }
});
