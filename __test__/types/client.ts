// Code written against jwks-rsa's types compiles unchanged against ours.
import jwksClient = require('../..');
import { promisify } from 'util';
import type { KeyObject } from 'crypto';

const client = jwksClient({
  jwksUri: 'https://issuer.example/.well-known/jwks.json',
  cache: true,
  cacheMaxEntries: 5,
  cacheMaxAge: 600000,
  cacheMaxAgeFallback: 60000,
  onStaleCacheFallback: (err: Error, kid: string | null | undefined, key: jwksClient.SigningKey) => {
    console.warn(err.message, kid, key.getPublicKey());
  },
  rateLimit: true,
  jwksRequestsPerMinute: 10,
  timeout: 30000,
  requestHeaders: { 'User-Agent': 'my-api' },
  proxy: 'http://proxy.internal:3128',
  useEnvProxy: false,
  ca: [Buffer.from('-----BEGIN CERTIFICATE-----'), '-----BEGIN CERTIFICATE-----'],
  cert: '-----BEGIN CERTIFICATE-----',
  key: Buffer.from('-----BEGIN PRIVATE KEY-----'),
  maxResponseBytes: 1 << 20,
  unknownKidCooldown: 30000,
  shareAcrossThreads: true,
});

async function lookups(): Promise<void> {
  const key = await client.getSigningKey('kid');
  const pem: string = 'publicKey' in key ? key.publicKey : key.rsaPublicKey;
  const same: string = key.getPublicKey();
  const keyObject: KeyObject = key.getPublicKeyObject();
  const all: jwksClient.SigningKey[] = await client.getSigningKeys();
  const raw: unknown = await client.getKeys();
  client.getSigningKey('kid', (err: Error | null, k?: jwksClient.SigningKey) => {
    if (!err && k) console.log(k.kid, k.alg);
  });
  const viaPromisify = promisify(client.getSigningKey);
  const stats: jwksClient.ClientStats = client.stats();
  console.log(pem, same, keyObject, all, raw, viaPromisify, stats.fetches);
}

const withFetcher = new jwksClient.JwksClient({
  fetcher: async (uri: string) => ({ keys: [{ kid: 'a', alg: 'RS256', kty: 'RSA', uri }] }),
});
const intercepted = jwksClient({
  jwksUri: 'https://issuer.example/jwks',
  getKeysInterceptor: async () => [{ kid: 'a', alg: 'RS256', kty: 'RSA', n: 'x', e: 'AQAB' }],
});

function errors(err: unknown): string {
  if (err instanceof jwksClient.SigningKeyNotFoundError) return err.name;
  if (err instanceof jwksClient.JwksRateLimitError) return err.message;
  if (err instanceof jwksClient.JwksError) return err.name;
  if (err instanceof jwksClient.ArgumentError) return err.name;
  return String(new jwksClient.JwksError('message'));
}

console.log(lookups, withFetcher, intercepted, errors);

// Which build loaded: the native binary or the WebAssembly fallback.
const backend: 'native' | 'wasm' = jwksClient.backend;
void backend;
