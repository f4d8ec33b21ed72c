'use strict';

// What a measuring process sets up once: the key sets, a JWKS server
// serving them, and the implementation itself.

const { loadPools, keySets, signer } = require('./keys');
const { startJwksServer } = require('./jwks-server');
const impls = require('./impls');

/** The shared fixtures of this process, created on first use. */
async function fixtures(state, impl) {
  if (!state.fixtures) {
    const { pools } = await loadPools();
    const sets = keySets(pools);
    const server = await startJwksServer(sets);
    state.fixtures = { pools, sets, server, signer: signer(pools), jwksClient: impls.load(impl) };
  }
  return state.fixtures;
}

module.exports = { fixtures };
