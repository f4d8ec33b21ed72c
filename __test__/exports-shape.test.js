'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const ours = require('..');
const theirs = require('jwks-rsa');

// What code can observe of an exported value without calling it: its type,
// name, length, whether `new` accepts it, and its own properties with their
// attributes, down into `prototype`.
function newable(fn) {
  try {
    Reflect.construct(String, [], fn);
    return true;
  } catch {
    return false;
  }
}

function shape(value, depth = 0) {
  if (typeof value !== 'function' && (typeof value !== 'object' || value === null)) return typeof value;
  const props = {};
  for (const key of Reflect.ownKeys(value)) {
    const { value: v, get, set, ...attributes } = Object.getOwnPropertyDescriptor(value, key);
    const kind = get || set ? 'accessor' : depth < 2 ? shape(v, depth + 1) : typeof v;
    props[String(key)] = { kind, ...attributes };
  }
  if (typeof value !== 'function') return { type: 'object', props };
  return { type: 'function', name: value.name, length: value.length, newable: newable(value), props };
}

// Additions of this package, documented in the README.
const ADDITIONS = {
  JwksClient: [
    'prototype.stats',
    'prototype.reload',
    'prototype.warm',
    'prototype.close',
    'prototype.health',
    'prototype.forget',
    'prototype.cachedSigningKeys',
  ],
};
// `backend` ('native' or 'wasm') and `fastifyJwtSecret` are the module's additions: not enumerable,
// so `Object.keys` and spreading the module see exactly jwks-rsa's exports.
const MODULE_ADDITIONS = ['backend', 'fastifyJwtSecret'];

function moduleShape(module) {
  const described = shape(module, 2);
  for (const key of MODULE_ADDITIONS) delete described.props[key];
  return described;
}

function withoutAdditions(name, described) {
  for (const path of ADDITIONS[name] || []) {
    const [owner, prop] = path.split('.');
    delete described.props[owner].kind.props[prop];
  }
  return described;
}

test("the module and every export have jwks-rsa's shape: typeof, name, length, new-ability, own properties", () => {
  const ownKeys = Reflect.ownKeys(ours).filter((key) => !MODULE_ADDITIONS.includes(key));
  assert.deepEqual(ownKeys, Reflect.ownKeys(theirs));
  assert.deepEqual(Object.keys(ours), Object.keys(theirs));
  assert.equal(Object.getOwnPropertyDescriptor(ours, 'backend').enumerable, false);
  assert.deepEqual(moduleShape(ours), shape(theirs, 2), 'module.exports itself');
  for (const name of Reflect.ownKeys(theirs)) {
    assert.deepEqual(withoutAdditions(name, shape(ours[name])), shape(theirs[name]), String(name));
  }
});

test('the framework helpers can be called with `new`, as old code does with jwks-rsa', () => {
  const options = { jwksUri: 'http://127.0.0.1:9/jwks.json' };
  for (const name of ['expressJwtSecret', 'hapiJwt2Key', 'koaJwtSecret', 'passportJwtSecret']) {
    const made = new ours[name](options);
    const reference = new theirs[name](options);
    assert.equal(typeof made, typeof reference, name);
    assert.equal(made.length, reference.length, name);
  }
  assert.throws(() => new ours.hapiJwt2KeyAsync(options), TypeError);
});
