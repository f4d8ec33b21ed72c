// Types of jwks-rsa-native: the public types of jwks-rsa 4.1.0, unchanged
// so existing TypeScript code compiles as before, plus the new options.

import type { Agent as HttpAgent } from 'http';
import type { Agent as HttpsAgent } from 'https';
import type { KeyObject } from 'crypto';

declare function JwksRsa(options: JwksRsa.Options): JwksRsa.JwksClient;

declare namespace JwksRsa {
  /**
   * Which build serves this process: `'native'` (the platform binary) or
   * `'wasm'` (the WebAssembly fallback). Not enumerable.
   */
  const backend: 'native' | 'wasm';

  class JwksClient {
    constructor(options: Options);

    /** The merged options, as jwks-rsa exposes them. */
    options: Options;

    /** The raw `keys` array of the JWKS document (always fetched). */
    getKeys(): Promise<unknown>;
    /** Every usable signing key of the set (always fetched). */
    getSigningKeys(): Promise<SigningKey[]>;
    /** The key for `kid`, from the cache when it is fresh. */
    getSigningKey(kid?: string | null | undefined): Promise<SigningKey>;
    getSigningKey(kid: string | null | undefined, cb: (err: Error | null, key?: SigningKey) => void): void;
    /** Counters of this client. */
    stats(): ClientStats;
  }

  interface ClientStats {
    /** Lookups answered from the cache, without asking the endpoint. */
    cacheHits: number;
    /** Requests (or fetcher calls) made to the endpoint. */
    fetches: number;
    /** Of those, the ones that failed. */
    fetchErrors: number;
    /** Lookups that waited on a fetch already under way instead of starting one. */
    coalesced: number;
    /** Lookups refused by the rate limiter. */
    rateLimited: number;
    /** Stale keys served while the endpoint was unavailable. */
    staleServed: number;
    /** Unknown kids refused during `unknownKidCooldown`. */
    cooldownRefusals: number;
    /** Signing keys in the latest set. */
    keys: number;
    /** Keys of the latest set that are not usable signing keys. */
    skipped: number;
  }

  interface Headers {
    [key: string]: string;
  }

  interface OptionsBase {
    /** Limit fetches on cache misses to `jwksRequestsPerMinute`. Default `false`. */
    rateLimit?: boolean;
    /** Cache signing keys. Default `true`. */
    cache?: boolean;
    /** Keys retained per kid beyond the latest set. Default 5. */
    cacheMaxEntries?: number;
    /** Lifetime of a cached key in ms. Default 600000 (10 minutes); 0 never expires. */
    cacheMaxAge?: number;
    /**
     * Extra ms during which the last good key is served when the endpoint is
     * unavailable after `cacheMaxAge`, measured from the last successful
     * fetch. Off by default.
     */
    cacheMaxAgeFallback?: number;
    /** Called each time a stale key is served in the fallback window. */
    onStaleCacheFallback?(err: Error, kid: string | null | undefined, staleKey: SigningKey): void;
    /** Fetch budget per minute when `rateLimit` is on. Default 10. */
    jwksRequestsPerMinute?: number;
    /** Forward proxy URL for the native HTTP client, e.g. `http://user:pass@proxy:3128`. */
    proxy?: string;
    /**
     * Read `https_proxy`, `http_proxy`, `all_proxy` and `no_proxy` (either case) from the
     * environment when `proxy` is not given. Default `true`.
     */
    useEnvProxy?: boolean;
    /** PEM CA certificates trusted instead of Node's default roots (as Node's `tls` option `ca`). */
    ca?: string | Buffer | Array<string | Buffer>;
    /** PEM client certificate chain for mutual TLS (with `key`). */
    cert?: string | Buffer | Array<string | Buffer>;
    /** PEM private key of the client certificate, for mutual TLS. */
    key?: string | Buffer;
    /** Headers sent with every JWKS request, exactly as given. */
    requestHeaders?: Headers;
    /** Deadline of one fetch in ms. Default 30000; 0 disables it. */
    timeout?: number;
    /** An http(s) Agent: the fetch then goes through Node's own http/https with it. */
    requestAgent?: HttpAgent | HttpsAgent;
    /** Keys consulted before the endpoint on every cache miss. */
    getKeysInterceptor?(): Promise<JSONWebKey[]>;
    /** Largest JWKS response accepted, in bytes. Default 1048576 (1 MiB). */
    maxResponseBytes?: number;
    /**
     * After a fetch, refuse unknown kids for this many ms without fetching
     * again (a flood of forged kids then costs one request). Default 0: off.
     */
    unknownKidCooldown?: number;
    /**
     * Share one key set, one fetch in flight and one rate limiter with every
     * client of the same endpoint and options in any worker thread of this
     * process. Not applied with `fetcher`, `requestAgent`,
     * `getKeysInterceptor`, or on the WebAssembly backend. Default false.
     */
    shareAcrossThreads?: boolean;
  }

  interface OptionsWithFetcher extends OptionsBase {
    fetcher(jwksUri: string): Promise<{ keys: any }>;
    jwksUri?: string;
  }

  interface OptionsWithUri extends OptionsBase {
    jwksUri: string;
    fetcher?(jwksUri: string): Promise<{ keys: any }>;
  }

  type Options = OptionsWithFetcher | OptionsWithUri;

  interface JSONWebKey {
    kid: string;
    alg: string;
    [key: string]: any;
  }

  interface CertSigningKey {
    kid: string;
    alg: string;
    getPublicKey(): string;
    /** The key as a cached `crypto.KeyObject` (not enumerable). */
    getPublicKeyObject(): KeyObject;
    publicKey: string;
  }

  interface RsaSigningKey {
    kid: string;
    alg: string;
    getPublicKey(): string;
    /** The key as a cached `crypto.KeyObject` (not enumerable). */
    getPublicKeyObject(): KeyObject;
    rsaPublicKey: string;
  }

  type SigningKey = CertSigningKey | RsaSigningKey;

  /** Callback types of express-jwt 6 (kept as jwks-rsa declares them). */
  type secretType = string | Buffer;
  type SecretCallbackLong = (req: unknown, header: any, payload: any, done: (err: any, secret?: secretType) => void) => void;
  type SecretCallback = (req: unknown, payload: any, done: (err: any, secret?: secretType) => void) => void;

  /**
   * The decoded token express-jwt 7 and later pass to the secret provider
   * (jsonwebtoken's `Jwt`), declared here so that no type package is needed.
   */
  interface Jwt {
    header: any;
    payload: any;
    signature: string;
  }

  /** What jsonwebtoken accepts as a verification key (its `Secret`). */
  type Secret = string | Buffer | KeyObject | { key: string | Buffer; passphrase: string };

  /** Provider type of express-jwt 7 and later. */
  type GetVerificationKey = (req: unknown, token: Jwt | undefined) => Secret | undefined | Promise<Secret | undefined>;

  /** Every helper's provider keeps its client reachable (not enumerable), e.g. for `stats()`. */
  interface WithClient {
    readonly client: JwksClient;
  }

  /** Options that ask for a `KeyObject` instead of the PEM. */
  type WithKeyObject<O> = O & { keyObject: true };

  function expressJwtSecret(options: ExpressJwtOptions): SecretCallbackLong & GetVerificationKey & WithClient;

  function passportJwtSecret(options: ExpressJwtOptions): SecretCallback & WithClient;

  /** Options of the helpers that may hand out a `KeyObject` instead of a PEM. */
  interface KeyObjectOption {
    /** Pass the cached `crypto.KeyObject` to the verifier instead of the PEM string. Default `false`. */
    keyObject?: boolean;
  }

  type ExpressJwtOptions = Options &
    KeyObjectOption & {
      handleSigningKeyError?: (err: Error | null, cb: (err: Error | null) => void) => void;
    };

  function hapiJwt2Key(
    options: WithKeyObject<HapiJwtOptions>,
  ): ((decodedToken: DecodedToken, cb: HapiKeyObjectCallback) => void) & WithClient;
  function hapiJwt2Key(options: HapiJwtOptions): ((decodedToken: DecodedToken, cb: HapiCallback) => void) & WithClient;

  type HapiJwtOptions = Options &
    KeyObjectOption & {
      handleSigningKeyError?: (err: Error | null, cb: HapiCallback) => void;
    };

  type HapiCallback = (err: Error | null, publicKey: string, signingKey: SigningKey) => void;
  type HapiKeyObjectCallback = (err: Error | null, publicKey: KeyObject, signingKey: SigningKey) => void;

  interface DecodedToken {
    header: TokenHeader;
  }

  interface TokenHeader {
    alg: string;
    kid: string;
  }

  function hapiJwt2KeyAsync(
    options: WithKeyObject<HapiJwtOptions>,
  ): ((decodedToken: DecodedToken) => Promise<{ key: KeyObject }>) & WithClient;
  function hapiJwt2KeyAsync(options: HapiJwtOptions): ((decodedToken: DecodedToken) => Promise<{ key: string }>) & WithClient;

  function koaJwtSecret(options: WithKeyObject<KoaJwtOptions>): ((header: TokenHeader) => Promise<KeyObject>) & WithClient;
  function koaJwtSecret(options: KoaJwtOptions): ((header: TokenHeader) => Promise<string>) & WithClient;

  type KoaJwtOptions = Options &
    KeyObjectOption & {
      handleSigningKeyError?(err: Error | null): Promise<void>;
    };

  class ArgumentError extends Error {
    name: 'ArgumentError';
    constructor(message: string);
  }

  class JwksError extends Error {
    name: 'JwksError';
    constructor(message: string);
  }

  class JwksRateLimitError extends Error {
    name: 'JwksRateLimitError';
    constructor(message: string);
  }

  class SigningKeyNotFoundError extends Error {
    name: 'SigningKeyNotFoundError';
    constructor(message: string);
  }
}

export = JwksRsa;
