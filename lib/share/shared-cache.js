'use strict';

const { ArgumentError } = require('../errors');
const { fetchIdentity, numericOption } = require('../config/options');
const { DEFAULT_COMMAND_TIMEOUT_MS } = require('../config/constants');

// `sharedCache`: a key-set store shared by the processes of a fleet, on
// Redis (spoken natively) or on any object with async get/set (and,
// for a fleet-wide single fetch, lock/unlock; for waiters woken at once
// rather than polling, subscribe/publish). Opt-in: without the option
// a client's requests, their timing and their headers are jwks-rsa's.

const DEFAULT_PREFIX = 'jwks-rsa-native:';

function invalid(message) {
  return new ArgumentError(`Invalid sharedCache option: ${message}`);
}

function checkStore(store) {
  if (store === null || (typeof store !== 'object' && typeof store !== 'function')) {
    throw invalid('`store` must be an object');
  }
  for (const method of ['get', 'set']) {
    if (typeof store[method] !== 'function') throw invalid(`\`store.${method}\` must be a function`);
  }
  for (const method of ['lock', 'unlock', 'subscribe', 'publish']) {
    if (store[method] !== undefined && typeof store[method] !== 'function') {
      throw invalid(`\`store.${method}\` must be a function when given`);
    }
  }
  if ((typeof store.subscribe === 'function') !== (typeof store.publish === 'function')) {
    throw invalid('`store.subscribe` and `store.publish` go together');
  }
}

// The Redis URL read with WHATWG URL rules, as jwksUri is: Rust gets its
// parts. `redis://[user][:password@]host[:port][/db]`, `rediss://` for TLS.
// Nothing in it is ignored: a query or fragment (even an empty one, which
// URL does not report) and port 0 are refused.
function redisParts(redis) {
  const url = URL.canParse(redis) ? new URL(redis) : undefined;
  const tls = url !== undefined && url.protocol === 'rediss:';
  if (url === undefined || !(tls || url.protocol === 'redis:') || !url.hostname) {
    throw invalid('`redis` must be a redis:// or rediss:// URL');
  }
  if (/[?#]/.test(redis)) throw invalid('`redis` must have no query or fragment (the database is its path: redis://host:6379/2)');
  if (url.port !== '' && Number(url.port) === 0) throw invalid('the port of `redis` must be from 1 to 65535');
  const db = url.pathname.replace(/^\/|\/$/g, '');
  if (!/^\d{0,9}$/.test(db)) throw invalid('the database of `redis` must be a number');
  return {
    tls,
    host: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
    port: url.port ? Number(url.port) : 6379,
    db: Number(db),
    username: credential(url.username),
    password: credential(url.password),
  };
}

function credential(encoded) {
  if (!encoded) return undefined;
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw invalid('the user name or password of `redis` is not valid percent-encoding');
  }
}

function secretBytes(secret) {
  if (secret === undefined) return undefined;
  if (typeof secret === 'string' && secret.length > 0) return Buffer.from(secret, 'utf8');
  if (Buffer.isBuffer(secret) && secret.length > 0) return Buffer.from(secret);
  throw invalid('`secret` must be a non-empty string or Buffer');
}

// The native part of the option, and the wrapped store if it is a
// JavaScript one. `config` is the client's normalized configuration.
function sharedCacheConfig(options, config) {
  const shared = options.sharedCache;
  if (shared === undefined || shared === null || shared === false) return undefined;
  if (typeof shared !== 'object') throw invalid('expected an object');
  const { redis, store, keyPrefix = DEFAULT_PREFIX, secret } = shared;
  if ((redis === undefined) === (store === undefined)) throw invalid('give exactly one of `redis` and `store`');
  if (redis !== undefined && typeof redis !== 'string') throw invalid('`redis` must be a redis:// or rediss:// URL');
  if (store !== undefined) checkStore(store);
  if (typeof keyPrefix !== 'string') throw invalid('`keyPrefix` must be a string');
  // Each store command waits at most the fetch timeout: a store that never
  // answers costs a lookup at most that before it fetches directly.
  const commandTimeout = numericOption('commandTimeout', shared.commandTimeout, {
    max: config.timeout,
    fallback: Math.min(DEFAULT_COMMAND_TIMEOUT_MS, config.timeout),
  });
  const record = recordName(options, config);
  return {
    parts: {
      redis: redis === undefined ? undefined : redisParts(redis),
      key: `${keyPrefix}set:${record}`,
      lockKey: `${keyPrefix}lock:${record}`,
      commandTimeout,
      secret: secretBytes(secret),
    },
    store: store === undefined ? undefined : storeHook(store),
  };
}

// Clients share a record only when they fetch the same set: the record is
// named by the endpoint (for whoever reads the store) and a digest of the
// fetch identity (request headers, TLS and proxy options, ... ), so clients
// of one URL that differ in a tenant header or an API key never meet.
function recordName(options, config) {
  const identity = fetchIdentity(options, config);
  if (identity === undefined) {
    throw invalid('a client without `jwksUri` cannot name its shared record (its `fetcher` says nothing of which set it returns)');
  }
  const digest = require('crypto').createHash('sha256').update(identity).digest('hex').slice(0, 32);
  return `${options.jwksUri}#${digest}`;
}

// One function for every store operation, which never throws into native
// code: a failure or a nonsense answer resolves as `{ error }`, counted and
// answered by a direct fetch.
function storeHook(store) {
  const listening = typeof store.subscribe === 'function' ? listener(store) : undefined;
  return async ({ op, key, value, token, ttlMs }) => {
    try {
      switch (op) {
        case 'get':
          return { value: readValue(await store.get(key)) };
        case 'set':
          await store.set(key, value, ttlMs);
          return {};
        case 'lock':
          // Without lock(), every process that finds no newer set fetches.
          return { locked: typeof store.lock === 'function' ? Boolean(await store.lock(key, token, ttlMs)) : true };
        case 'unlock':
          if (typeof store.unlock === 'function') await store.unlock(key, token);
          return {};
        case 'publish':
          if (listening) await store.publish(key, value);
          return {};
        case 'subscribe':
          // Without subscribe(), waiters poll the store.
          return listening ? { value: await listening.slot(key) } : {};
        case 'next':
          // Asked only after a subscribe that `listening` answered.
          return { value: await /** @type {NonNullable<typeof listening>} */ (listening).next(token) };
        default:
          return { error: `unknown operation ${op}` };
      }
    } catch (/** @type {any} */ err) {
      return { error: String((err && err.message) || err) };
    }
  };
}

// The client's one subscription, made on first need: `slot` resolves once
// listening with a slot that `next` resolves at the next message, so no
// message between the two is missed. A slot never read is dropped at the
// message after the one that resolved it. A failed subscription is made
// again at the next need.
function listener(store) {
  let subscribed;
  let nextId = 0;
  const waiting = new Map();
  const messages = new Map();
  let delivered = [];
  const deliver = (message) => {
    for (const id of delivered) messages.delete(id);
    delivered = [...waiting.keys()];
    for (const resolve of waiting.values()) resolve(String(message));
    waiting.clear();
  };
  return {
    async slot(channel) {
      if (subscribed === undefined) {
        subscribed = Promise.resolve(store.subscribe(channel, deliver));
        subscribed.catch(() => {
          subscribed = undefined;
        });
      }
      await subscribed;
      const id = String(nextId++);
      messages.set(id, new Promise((resolve) => waiting.set(id, resolve)));
      return id;
    },
    next(id) {
      const message = messages.get(id);
      messages.delete(id);
      return message === undefined ? '' : message;
    },
  };
}

function readValue(value) {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  throw new TypeError(`get() resolved with a ${typeof value}, not a string`);
}

module.exports = { sharedCacheConfig };
