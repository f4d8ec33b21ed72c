'use strict';

// The two implementations under comparison, loaded by name, and Node's
// floor that some figures measure beside them.

const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');

const IMPLS = {
  'jwks-rsa': require.resolve('jwks-rsa', { paths: [ROOT] }),
  'jwks-rsa-native': ROOT,
};

/** Both names, jwks-rsa first. */
const NAMES = Object.keys(IMPLS);

/**
 * Node's floor for a cold first key (lib/floor.js): not an implementation,
 * but loaded and measured like one by the figures that compare against it.
 */
const FLOOR = 'node floor';

const ENTRIES = { ...IMPLS, [FLOOR]: path.join(__dirname, 'floor.js') };

/** The entry point `require()` resolves for an implementation (or the floor). */
function entryOf(name) {
  const entry = ENTRIES[name];
  if (!entry) throw new Error(`unknown implementation: ${name}`);
  return entry;
}

/** The module an implementation exports (its `jwksClient` factory). */
function load(name) {
  return require(entryOf(name));
}

/**
 * The implementations in the order to run them in `round`: alternating,
 * so neither always runs first (or always right after the other).
 */
function orderFor(round, names = NAMES) {
  const shift = round % names.length;
  return [...names.slice(shift), ...names.slice(0, shift)];
}

module.exports = { ROOT, NAMES, FLOOR, entryOf, load, orderFor };
