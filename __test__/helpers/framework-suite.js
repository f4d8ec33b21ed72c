'use strict';

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const upstream = require('jwks-rsa');
const native = require('../..');
const { generate, keyRing } = require('./keys');
const { startJwksServer, closedPort } = require('./server');
const { callApi } = require('./http-client');
const { CLAIMS, signToken, hostileTokens } = require('./tokens');

// The same scenarios through one framework, once with jwks-rsa 4.1.0 and
// once with this package: every answer must match, status and body.

const VERIFIABLE = ['RS256', 'PS256', 'ES256', 'ES384', 'ES512'];
const SERVED = [...VERIFIABLE, 'EdDSA'];

const servedKeys = keyRing().filter((k) => SERVED.includes(k.alg));
const keyFor = (alg) => servedKeys.find((k) => k.alg === alg);
const rsa = keyFor('RS256');
const stranger = generate('RS256', 'stranger');

/**
 * Both apps over one endpoint: `{ call(token), close() }`. A framework
 * jwks-rsa has no helper for runs this package's app alone (`upstream: false`).
 */
async function startPair(startApp, options, { upstream: compared = true } = {}) {
  const apps = { native: await startApp(native, options) };
  if (compared) apps.upstream = await startApp(upstream, options);
  return {
    implementations: Object.keys(apps).length,
    async call(token) {
      const answers = {};
      for (const [name, app] of Object.entries(apps)) answers[name] = await callApi(app.url, token);
      if (compared) assert.deepEqual(answers.native, answers.upstream);
      return answers.native;
    },
    close: () => Promise.all(Object.values(apps).map((app) => app.close())),
  };
}

// The reason an app gave: a text body, or the `cause` or `message` field.
const reasonOf = ({ body }) => (typeof body === 'string' ? body : (body.cause ?? body.message));

function assertRefused(answer, expected) {
  assert.notEqual(answer.status, 200);
  if (expected === undefined) return;
  assert.equal(answer.status, expected.status);
  if (expected.message instanceof RegExp) assert.match(reasonOf(answer), expected.message);
  else assert.equal(reasonOf(answer), expected.message);
}

/**
 * Registers the scenarios for one framework. `startApp(lib, options)`
 * starts its API with `lib`'s helper; `expected` maps a refusal scenario to
 * `{ status, message }` as the framework answers it. `setup.upstream: false`
 * runs this package alone; `setup.verifiable` lists the algorithms the
 * framework's verifier accepts (jsonwebtoken's by default: no EdDSA).
 */
function frameworkSuite(name, startApp, expected = {}, setup = {}) {
  const verifiable = setup.verifiable || VERIFIABLE;
  describe(name, () => {
    let endpoint;
    let pair;
    before(async () => {
      endpoint = await startJwksServer(servedKeys.map((k) => k.jwk));
      pair = await startPair(startApp, { jwksUri: endpoint.url }, setup);
    });
    after(async () => {
      await pair.close();
      await endpoint.close();
    });

    for (const alg of verifiable) {
      test(`a valid ${alg} token passes, as with jwks-rsa`, async () => {
        const answer = await pair.call(signToken(keyFor(alg)));
        assert.equal(answer.status, 200);
        assert.equal(answer.body.sub, CLAIMS.sub);
      });
    }

    if (!verifiable.includes('EdDSA')) {
      test('an EdDSA token meets the refusal it meets with jwks-rsa (jsonwebtoken has no EdDSA)', async () => {
        assertRefused(await pair.call(signToken(keyFor('EdDSA'))), expected.EdDSA);
      });
    }

    for (const [scenario, token] of Object.entries(hostileTokens(rsa, stranger))) {
      test(`a token with ${scenario} gets the status and error it gets with jwks-rsa`, async () => {
        assertRefused(await pair.call(token), expected[scenario]);
      });
    }

    test('an endpoint that is down gives the status and error it gives with jwks-rsa', async () => {
      const down = await startPair(startApp, { jwksUri: `http://127.0.0.1:${await closedPort()}/jwks` }, setup);
      try {
        assertRefused(await down.call(signToken(rsa)), expected['an endpoint that is down']);
      } finally {
        await down.close();
      }
    });

    test('a key added mid-run is picked up', async () => {
      assert.equal((await pair.call(signToken(rsa))).status, 200);
      const fresh = generate('ES256', `rotated-${name}`);
      endpoint.state.keys = [...endpoint.state.keys, fresh.jwk];
      const before = endpoint.count;
      const answer = await pair.call(signToken(fresh));
      assert.equal(answer.status, 200);
      assert.equal(endpoint.count - before, pair.implementations, 'one fetch by each implementation');
    });

    test('with keyObject: true, valid tokens pass and refusals are unchanged', async () => {
      const app = await startApp(native, { jwksUri: endpoint.url, keyObject: true });
      try {
        for (const alg of verifiable) {
          assert.equal((await callApi(app.url, signToken(keyFor(alg)))).status, 200, alg);
        }
        for (const [scenario, token] of Object.entries(hostileTokens(rsa, stranger))) {
          assert.deepEqual(await callApi(app.url, token), await pair.call(token), scenario);
        }
      } finally {
        await app.close();
      }
    });
  });
}

module.exports = { frameworkSuite, startPair, servedKeys };
