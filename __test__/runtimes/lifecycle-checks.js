'use strict';

const assert = require('node:assert/strict');
const jwksClient = require('../../index.js');
const { generate } = require('../helpers/keys');
const { withServer } = require('../helpers/server');
const { withClock } = require('../helpers/clock');
const { collect, nextMessage, settlesPromptly } = require('../helpers/refresh');

// The client's lifecycle in the smoke suite (smoke.mjs): warm(), reload(),
// health(), refreshAhead, backgroundRefresh with close(), forget(),
// cachedSigningKeys(), retry, the messages on
// node:diagnostics_channel, whose module and timers each runtime provides
// its own way, and sharedCache on a JavaScript store (refused by the
// WebAssembly build, which the node suite also runs this file on).

const mine = (messages, client) => messages.filter((m) => m.client === client).map(({ client: _, ...m }) => m);

/** `[name, fn]` for each check, in the order they run. */
function lifecycleChecks() {
  const a = generate('RS256', 'life-a');
  const b = generate('ES256', 'life-b');
  return [
    [
      'warm(), reload() and health() follow the set, with fetch, rotate and error on diagnostics_channel',
      () =>
        withServer([a.jwk], async (server) => {
          const fetches = collect('jwks-rsa-native:fetch');
          const rotations = collect('jwks-rsa-native:rotate');
          const errors = collect('jwks-rsa-native:error');
          const client = jwksClient({ jwksUri: server.url });
          try {
            assert.deepEqual(client.health(), { fresh: false, lastFetchAt: null, lastError: null, nextRefreshAt: null, keys: 0 });
            assert.deepEqual(
              (await client.warm()).map((k) => k.kid),
              [a.kid],
            );
            const warmed = client.health();
            assert.equal(warmed.fresh, true);
            assert.equal(warmed.keys, 1);
            assert.equal(typeof warmed.lastFetchAt, 'number');
            server.state.keys = [a.jwk, b.jwk];
            assert.deepEqual((await client.reload()).map((k) => k.kid).sort(), [a.kid, b.kid].sort());
            assert.equal((await client.getSigningKey(b.kid)).getPublicKey(), b.pem);
            assert.equal(server.count, 2, 'the reloaded set answers the lookup');
            server.state.status = 500;
            const err = await client.reload().catch((e) => e);
            assert.ok(err instanceof jwksClient.JwksError);
            assert.equal(err.message, 'Internal Server Error');
            assert.equal(client.health().lastError.message, 'Internal Server Error');
            assert.equal((await client.getSigningKey(a.kid)).getPublicKey(), a.pem, 'the cached set stays in use');
          } finally {
            fetches.stop();
            rotations.stop();
            errors.stop();
          }
          // `keys` counts the latest set, which a failed fetch leaves in use.
          assert.deepEqual(
            mine(fetches, client).map((m) => [m.ok, m.keys]),
            [
              [true, 1],
              [true, 2],
              [false, 2],
            ],
          );
          assert.deepEqual(mine(rotations, client), [{ jwksUri: server.url, added: [b.kid], removed: [], kids: [a.kid, b.kid] }]);
          assert.deepEqual(
            mine(errors, client).map((m) => m.error.message),
            ['Internal Server Error'],
          );
        }),
    ],
    [
      'refreshAhead answers a lookup in the window from the cache and refreshes the set behind it',
      () =>
        withServer([a.jwk], (server) =>
          withClock(async (advance) => {
            const client = jwksClient({ jwksUri: server.url, cacheMaxAge: 1000, refreshAhead: 200 });
            const first = await client.getSigningKey(a.kid);
            advance(850);
            server.state.keys = [a.jwk, b.jwk];
            const release = server.hold();
            const refreshed = nextMessage('jwks-rsa-native:refresh', (m) => m.client === client);
            const inWindow = client.getSigningKey(a.kid);
            assert.equal(await settlesPromptly(inWindow), true, 'answered while the endpoint is held');
            assert.equal(await inWindow, first);
            await server.requested(2);
            release();
            const message = await refreshed;
            assert.deepEqual([message.trigger, message.ok, message.keys], ['refreshAhead', true, 2]);
            assert.equal((await client.getSigningKey(b.kid)).getPublicKey(), b.pem);
            assert.equal(server.count, 2, 'the refreshed set answers the new kid');
          }),
        ),
    ],
    [
      'backgroundRefresh fetches with no lookup, and close() stops it',
      () =>
        withServer([a.jwk], async (server) => {
          const client = jwksClient({ jwksUri: server.url, backgroundRefresh: 1000 });
          try {
            assert.equal(typeof client.health().nextRefreshAt, 'number');
            // Waits for the timer's own refresh, whenever the runtime fires it.
            const message = await nextMessage('jwks-rsa-native:refresh', (m) => m.client === client);
            assert.deepEqual([message.trigger, message.ok], ['backgroundRefresh', true]);
            assert.equal(server.count, 1);
            assert.equal(client.health().keys, 1);
          } finally {
            client.close();
          }
          assert.equal(client.health().nextRefreshAt, client.health().lastFetchAt + 600000, 'closed: the expiry is next');
          assert.equal((await client.getSigningKey(a.kid)).getPublicKey(), a.pem);
          assert.equal(server.count, 1);
        }),
    ],
    [
      'sharedCache on a JavaScript store: two clients, one request',
      () =>
        withServer([a.jwk], async (server) => {
          const entries = new Map();
          const store = {
            get: async (key) => (entries.has(key) ? entries.get(key) : null),
            set: async (key, value) => void entries.set(key, value),
          };
          const options = { jwksUri: server.url, sharedCache: { store } };
          if (jwksClient.backend === 'wasm') {
            assert.throws(() => jwksClient(options), {
              name: 'ArgumentError',
              message: 'sharedCache is not available in the WebAssembly build',
            });
            return;
          }
          assert.equal((await jwksClient(options).getSigningKey(a.kid)).getPublicKey(), a.pem);
          const second = jwksClient(options);
          assert.equal((await second.getSigningKey(a.kid)).getPublicKey(), a.pem);
          assert.equal(server.count, 1, 'the second client read the stored set');
          assert.equal(second.stats().sharedHits, 1);
        }),
    ],
    [
      'a removed key is dropped by reload(), forget() makes the next lookup fetch, cachedSigningKeys() reads the set',
      () =>
        withServer([a.jwk, b.jwk], async (server) => {
          const client = jwksClient({ jwksUri: server.url });
          assert.equal(client.cachedSigningKeys(), undefined);
          const key = await client.getSigningKey(a.kid);
          assert.deepEqual(
            client.cachedSigningKeys().map((k) => k.kid),
            [a.kid, b.kid],
          );
          assert.equal(client.cachedSigningKeys()[0], key, 'the key object lookups hand out');
          server.state.keys = [b.jwk];
          await client.reload();
          const err = await client.getSigningKey(a.kid).catch((e) => e);
          assert.equal(err.name, 'SigningKeyNotFoundError');
          client.forget();
          await client.getSigningKey(b.kid);
          assert.equal(server.count, 4, 'first fetch, reload, the removed kid, then the lookup after forget()');
        }),
    ],
    [
      'retry: a lookup survives one 503',
      () =>
        withServer([a.jwk], async (server) => {
          // The WebAssembly build has no timer in its core: it accepts `retry` and fetches once.
          if (jwksClient.backend === 'wasm') return;
          let failures = 1;
          server.state.handler = (req, res) => {
            if (failures-- > 0) {
              res.statusCode = 503;
              return res.end('busy');
            }
            res.setHeader('content-type', 'application/json');
            res.end(JSON.stringify({ keys: [a.jwk] }));
          };
          const client = jwksClient({ jwksUri: server.url, retry: { retries: 1, minDelay: 10, maxDelay: 50 } });
          assert.equal((await client.getSigningKey(a.kid)).getPublicKey(), a.pem);
          assert.equal(server.count, 2);
        }),
    ],
  ];
}

module.exports = { lifecycleChecks };
