// sharedCache: on Redis, or on any store with async get/set (lock/unlock optional).
import jwksClient = require('../..');

const onRedis = jwksClient({
  jwksUri: 'https://issuer.example/.well-known/jwks.json',
  sharedCache: { redis: 'rediss://:password@redis.internal:6380/0', keyPrefix: 'jwks:', secret: Buffer.from('k'), commandTimeout: 200 },
});

const values = new Map<string, string>();
const store: jwksClient.SharedStore = {
  get: async (key) => values.get(key),
  set: async (key, value, ttlMs) => values.set(key, value) && ttlMs,
  lock: async (key, token) => !values.has(key) && Boolean(values.set(key, token)),
  unlock: async (key, token) => values.get(key) === token && values.delete(key),
};
const listeners = new Map<string, (message: string) => void>();
const listening: jwksClient.SharedStore = {
  ...store,
  subscribe: async (channel, onMessage) => listeners.set(channel, onMessage),
  publish: async (channel, message) => listeners.get(channel)?.(message),
};
jwksClient({ jwksUri: 'https://issuer.example/jwks', sharedCache: { store: listening } });
const onStore = jwksClient({ jwksUri: 'https://issuer.example/jwks', sharedCache: { store, secret: 'fleet secret' } });

const stats = onStore.stats();
const shared: number | undefined = stats.sharedHits ?? stats.sharedErrors ?? stats.sharedWakeups;

// @ts-expect-error: a store and a Redis URL exclude each other.
jwksClient({ jwksUri: 'https://issuer.example/jwks', sharedCache: { redis: 'redis://r', store } });
// @ts-expect-error: a store needs set().
jwksClient({ jwksUri: 'https://issuer.example/jwks', sharedCache: { store: { get: async () => null } } });

console.log(onRedis, shared);
