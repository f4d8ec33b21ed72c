'use strict';

// The rule that lets refreshAhead and backgroundRefresh answer from a set
// fetched meanwhile, checked on its own.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { alreadyFresh, windowOpens } = require('../lib/refresh-skip');

const set = { fetchedAt: 1_000, freshUntil: 61_000 };

test('a background run skips a set fetched less than 80% of its period ago', () => {
  assert.equal(alreadyFresh('backgroundRefresh', set, 1_000 + 7_999, 0, 10_000), true);
  assert.equal(alreadyFresh('backgroundRefresh', set, 1_000 + 8_000, 0, 10_000), false);
});

test('refresh-ahead skips a set not yet in its window', () => {
  assert.equal(alreadyFresh('refreshAhead', set, 50_999, 10_000, 0), true);
  assert.equal(alreadyFresh('refreshAhead', set, 51_000, 10_000, 0), false);
});

test('reload, warm, an expired set and no set at all always fetch', () => {
  assert.equal(alreadyFresh('reload', set, 1_001, 10_000, 10_000), false);
  assert.equal(alreadyFresh('warm', set, 1_001, 10_000, 10_000), false);
  assert.equal(alreadyFresh('backgroundRefresh', set, 61_001, 0, 1_000_000), false);
  assert.equal(alreadyFresh('refreshAhead', { fetchedAt: null, freshUntil: null }, 1_001, 10_000, 0), false);
});

test('a short-lived set opens its window half-way at the latest', () => {
  assert.equal(windowOpens(0, 12_000, 10_000), 6_000);
  assert.equal(windowOpens(0, 60_000, 10_000), 50_000);
  assert.equal(windowOpens(0, Infinity, 10_000), Infinity);
});
