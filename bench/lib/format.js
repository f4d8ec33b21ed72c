'use strict';

// Units as the report prints them.

function sig(n, digits = 3) {
  if (!Number.isFinite(n)) return String(n);
  if (n === 0) return '0';
  const places = Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(n))));
  return n.toFixed(Math.min(places, 3));
}

const opsPerSec = (n) => (n >= 1e6 ? `${sig(n / 1e6)} M ops/s` : `${sig(n / 1e3)} k ops/s`);
const reqPerSec = (n) => (n >= 1e3 ? `${sig(n / 1e3)} k req/s` : `${sig(n)} req/s`);

function ms(n) {
  if (!Number.isFinite(n)) return String(n);
  if (n >= 1000) return `${sig(n / 1000)} s`;
  if (n < 1) return `${sig(n * 1000)} us`;
  return `${sig(n)} ms`;
}

function bytes(n) {
  if (n >= 1e6) return `${sig(n / 1e6)} MB`;
  if (n >= 1e3) return `${sig(n / 1e3)} kB`;
  return `${Math.round(n)} B`;
}

const count = (n, noun) => `${n} ${noun}`;

const ratio = (r) => (Number.isFinite(r) ? `${sig(r)}x` : String(r));

module.exports = { sig, opsPerSec, reqPerSec, ms, bytes, count, ratio };
