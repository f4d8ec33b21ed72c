'use strict';

// Each example in examples/ run as a user runs it: a child process, against
// this test's JWKS endpoint, then without one (its own identity provider).

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('child_process');
const { once } = require('events');
const path = require('path');
const { generate } = require('./helpers/keys');
const { startJwksServer } = require('./helpers/server');
const { callApi } = require('./helpers/http-client');
const { signToken } = require('./helpers/tokens');

const EXAMPLES = ['express', 'koa', 'passport', 'hapi', 'fastify'];
const rsa = generate('RS256', 'rsa');
const ec = generate('ES256', 'ec');
const stranger = generate('RS256', 'stranger');

let endpoint;
before(async () => {
  endpoint = await startJwksServer([rsa.jwk, ec.jwk]);
});
after(() => endpoint.close());

// Runs an example until `ready(stdout)` returns a value, then hands it over.
async function withExample(name, env, ready, use) {
  const script = path.join(__dirname, '..', 'examples', `${name}.js`);
  const child = spawn(process.execPath, [script], { env: { ...process.env, PORT: '0', ...env } });
  try {
    let stdout = '';
    child.stderr.on('data', (chunk) => process.stderr.write(chunk));
    const found = await new Promise((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        const value = ready(stdout);
        if (value) resolve(value);
      });
      child.on('exit', (code) => reject(new Error(`${name} exited with ${code}: ${stdout}`)));
    });
    await use(found);
  } finally {
    child.kill();
    if (child.exitCode === null) await once(child, 'exit');
  }
}

const urlIn = (stdout) => /listening on (\S+)/.exec(stdout)?.[1];
const tokenIn = (stdout) => /Bearer ([\w.-]+)/.exec(stdout)?.[1];

for (const name of EXAMPLES) {
  test(`examples/${name}.js accepts the issuer's tokens and refuses others`, { timeout: 20000 }, async () => {
    await withExample(name, { JWKS_URI: endpoint.url }, urlIn, async (url) => {
      for (const key of [rsa, ec]) {
        const answer = await callApi(url, signToken(key));
        assert.equal(answer.status, 200, key.alg);
        assert.equal(answer.body.sub, 'user-1');
      }
      assert.equal((await callApi(url)).status, 401);
      assert.notEqual((await callApi(url, signToken(stranger))).status, 200);
      assert.notEqual((await callApi(url, signToken({ ...stranger, kid: 'rsa' }))).status, 200);
    });
  });

  test(`examples/${name}.js runs alone and its printed token works`, { timeout: 20000 }, async () => {
    const ready = (stdout) => urlIn(stdout) && tokenIn(stdout) && [urlIn(stdout), tokenIn(stdout)];
    await withExample(name, { JWKS_URI: '' }, ready, async ([url, token]) => {
      assert.deepEqual(await callApi(url, token), { status: 200, body: { sub: 'alice' } });
    });
  });
}
