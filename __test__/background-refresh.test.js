'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const jwksClient = require('..');
const { generate } = require('./helpers/keys');
const { startJwksServer } = require('./helpers/server');
const { withFakeTimers } = require('./helpers/fake-timers');
const { nextMessage, settlesPromptly } = require('./helpers/refresh');

const a = generate('ES256', 'a');
const b = generate('EdDSA', 'b');

const refreshOf = (client) => nextMessage('jwks-rsa-native:refresh', (m) => m.client === client);

test('backgroundRefresh keeps the set fresh with no traffic, each run within ±10% of the period', async () => {
  const server = await startJwksServer([a.jwk]);
  await withFakeTimers(async (clock) => {
    const client = jwksClient({ jwksUri: server.url, cacheMaxAge: 60000, backgroundRefresh: 50000 });
    await client.getSigningKey('a');
    const delays = [];
    for (let run = 1; run <= 20; run++) {
      const [delay] = clock.pending();
      assert.equal(clock.pending().length, 1, 'one timer');
      assert.ok(delay >= 45000 && delay <= 55000, `delay ${delay}`);
      assert.equal(client.health().nextRefreshAt, Date.now() + delay);
      delays.push(delay);
      const refreshed = refreshOf(client);
      clock.advance(delay);
      const message = await refreshed;
      assert.equal(message.trigger, 'backgroundRefresh');
      assert.equal(message.ok, true);
      assert.equal(server.count, 1 + run);
    }
    assert.ok(new Set(delays).size > 1, 'jittered');
    // After 20 runs and no lookup since the first, the set is still fresh.
    server.state.keys = [a.jwk, b.jwk];
    const refreshed = refreshOf(client);
    clock.advance(clock.pending()[0]);
    await refreshed;
    const release = server.hold();
    const lookup = client.getSigningKey('b');
    assert.equal(await settlesPromptly(lookup), true, 'a kid added at the endpoint is served without waiting');
    release();
    await lookup;
    client.close();
    assert.deepEqual(clock.pending(), []);
    assert.equal(client.health().nextRefreshAt, client.health().lastFetchAt + 60000, 'closed: the expiry is next');
  });
  await server.close();
});

test('close() stops the background refresh; lookups keep working', async () => {
  const server = await startJwksServer([a.jwk]);
  await withFakeTimers(async (clock) => {
    const client = jwksClient({ jwksUri: server.url, backgroundRefresh: 1000 });
    assert.equal(clock.pending().length, 1);
    client.close();
    client.close();
    assert.deepEqual(clock.pending(), []);
    assert.equal(client.health().nextRefreshAt, null);
    clock.advance(10000);
    assert.equal(server.count, 0);
    assert.equal((await client.getSigningKey('a')).kid, 'a');
    assert.equal(server.count, 1);
  });
  await server.close();
});

test('a failed or refused background refresh is retried at the next period and never fails a lookup', async () => {
  const server = await startJwksServer([a.jwk]);
  await withFakeTimers(async (clock) => {
    const client = jwksClient({
      jwksUri: server.url,
      backgroundRefresh: 20000,
      rateLimit: true,
      jwksRequestsPerMinute: 2,
    });
    const first = await client.getSigningKey('a');
    server.state.status = 503;
    let refreshed = refreshOf(client);
    clock.advance(clock.pending()[0]);
    let message = await refreshed;
    assert.equal(message.ok, false);
    assert.equal(message.error.message, 'Service Unavailable');
    assert.equal(await client.getSigningKey('a'), first);
    assert.equal(client.health().lastError.message, 'Service Unavailable');
    // Two fetches this minute: the limiter refuses the third.
    refreshed = refreshOf(client);
    clock.advance(clock.pending()[0]);
    message = await refreshed;
    assert.equal(message.error.name, 'JwksRateLimitError');
    assert.equal(server.count, 2);
    assert.equal(await client.getSigningKey('a'), first);
    assert.equal(clock.pending().length, 1, 'still scheduled');
    server.state.status = 200;
    while (server.count === 2) {
      refreshed = refreshOf(client);
      clock.advance(clock.pending()[0]);
      message = await refreshed;
    }
    assert.equal(message.ok, true);
    assert.equal(client.health().lastError, null);
    client.close();
  });
  await server.close();
});

test('without backgroundRefresh no timer is started', async () => {
  await withFakeTimers(async (clock) => {
    jwksClient({ jwksUri: 'http://127.0.0.1:9/jwks', refreshAhead: true });
    jwksClient({ jwksUri: 'http://127.0.0.1:9/jwks', cache: false, backgroundRefresh: 1000 });
    assert.deepEqual(clock.pending(), []);
  });
});

test('the timer never keeps the process alive, and a garbage-collected client stops it', () => {
  const script = path.join(__dirname, 'fixtures', 'background-refresh-gc.js');
  const child = spawnSync(process.execPath, ['--expose-gc', script], { encoding: 'utf8', timeout: 20000 });
  assert.equal(child.status, 0, child.stderr);
  const report = JSON.parse(child.stdout);
  assert.ok(report.fetchesWhileAlive >= 2, JSON.stringify(report));
  assert.equal(report.collected, true);
  assert.equal(report.fetchesAfterCollection, 0);
  assert.equal(report.timersLeft, 0, "the collected client's timer was cleared");
});

test('a background refresh before any lookup goes through the requestAgent, as a lookup would', async () => {
  const server = await startJwksServer([a.jwk]);
  const agent = new http.Agent();
  let connections = 0;
  const createConnection = agent.createConnection.bind(agent);
  agent.createConnection = (...args) => {
    connections++;
    return createConnection(...args);
  };
  await withFakeTimers(async (clock) => {
    const client = jwksClient({ jwksUri: server.url, requestAgent: agent, backgroundRefresh: 10000 });
    const refreshed = refreshOf(client);
    clock.advance(clock.pending()[0]);
    assert.equal((await refreshed).ok, true);
    assert.equal(connections, 1);
    assert.equal(server.count, 1);
    client.close();
  });
  agent.destroy();
  await server.close();
});
