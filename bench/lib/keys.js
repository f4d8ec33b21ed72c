'use strict';

// The key material of the benchmark: real key pairs from node:crypto,
// published as JWKs. Generating fifty RSA-2048 pairs takes seconds, so the
// pairs are kept in the system temp directory and reused by later runs.

const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { promisify } = require('util');

const generateKeyPair = promisify(crypto.generateKeyPair);

const CACHE_FILE = path.join(os.tmpdir(), 'jwks-rsa-native-bench', 'keys-v1.json');

// The 100-key set: 50 RSA-2048, 35 P-256/P-384, 10 P-521, 5 Ed25519.
const POOLS = [
  { prefix: 'rsa', count: 50, alg: 'RS256', type: 'rsa', options: { modulusLength: 2048 } },
  { prefix: 'p256', count: 18, alg: 'ES256', type: 'ec', options: { namedCurve: 'P-256' } },
  { prefix: 'p384', count: 17, alg: 'ES384', type: 'ec', options: { namedCurve: 'P-384' } },
  { prefix: 'p521', count: 10, alg: 'ES512', type: 'ec', options: { namedCurve: 'P-521' } },
  { prefix: 'ed25519', count: 5, alg: 'EdDSA', type: 'ed25519', options: {} },
];

// How many keys of each pool the smaller sets take, the same mix scaled down.
const SET_SHAPES = {
  1: { rsa: 1 },
  10: { rsa: 5, p256: 2, p384: 1, p521: 1, ed25519: 1 },
  100: { rsa: 50, p256: 18, p384: 17, p521: 10, ed25519: 5 },
};

async function generatePool({ prefix, count, alg, type, options }) {
  const pairs = await Promise.all(Array.from({ length: count }, () => generateKeyPair(type, options)));
  return pairs.map(({ publicKey, privateKey }, i) => ({
    jwk: { ...publicKey.export({ format: 'jwk' }), kid: `${prefix}-${String(i).padStart(2, '0')}`, alg, use: 'sig' },
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }),
  }));
}

async function generateAll() {
  const pools = {};
  for (const pool of POOLS) pools[pool.prefix] = await generatePool(pool);
  return pools;
}

function readCache() {
  try {
    return JSON.parse(fs.readFileSync(CACHE_FILE, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The key pools, generated once and then read from the temp directory. */
async function loadPools({ fresh = false } = {}) {
  const cached = fresh ? undefined : readCache();
  if (cached) return { pools: cached, generated: false };
  const pools = await generateAll();
  fs.mkdirSync(path.dirname(CACHE_FILE), { recursive: true });
  fs.writeFileSync(CACHE_FILE, JSON.stringify(pools));
  return { pools, generated: true };
}

/** The JWKS key sets by size: `{ 1: [jwk], 10: [...], 100: [...] }`. */
function keySets(pools) {
  const sets = {};
  for (const [size, shape] of Object.entries(SET_SHAPES)) {
    sets[size] = Object.entries(shape).flatMap(([prefix, n]) => pools[prefix].slice(0, n).map((k) => k.jwk));
  }
  return sets;
}

/** The RSA key that signs the tokens of the end-to-end figure (first of every set). */
function signer(pools) {
  const { jwk, privatePem } = pools.rsa[0];
  return { kid: jwk.kid, privatePem };
}

module.exports = { loadPools, keySets, signer, CACHE_FILE };
