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
    /** Fetches now (joining a fetch in flight, within the rate limit); resolves with the signing keys. */
    reload(): Promise<SigningKey[]>;
    /** `reload()` for start-up, so the first lookup finds the keys cached. */
    warm(): Promise<SigningKey[]>;
    /** Stops the `backgroundRefresh` timer; lookups keep working. */
    close(): void;
    /**
     * Drops `kid` from the cache and the stale fallback: its next lookup asks the endpoint.
     * Without a kid, drops every key and the cached set: the next lookup fetches.
     */
    forget(kid?: string | null): void;
    /**
     * The signing keys of the cached set, without a fetch (the same objects lookups give);
     * `undefined` before the first fetch, after `forget()`, and with `cache: false`.
     */
    cachedSigningKeys(): SigningKey[] | undefined;
    /** The state of the cache and of the last fetch. */
    health(): ClientHealth;
  }

  interface ClientHealth {
    /** Whether the cached set answers lookups without a fetch (within `cacheMaxAge` of its fetch). */
    fresh: boolean;
    /** When the set in use was fetched (`Date.now()` ms), or `null` before the first good fetch. */
    lastFetchAt: number | null;
    /** Why the last fetch failed, if it did and none succeeded since; else `null`. */
    lastError: Error | null;
    /**
     * When the client next fetches on its own or at a lookup (`Date.now()` ms): the
     * `backgroundRefresh` timer, or the set's expiry (less `refreshAhead`), whichever is first;
     * `null` when neither applies.
     */
    nextRefreshAt: number | null;
    /** Signing keys in the latest set. */
    keys: number;
  }

  interface ClientStats {
    /** Lookups answered from the cache, without asking the endpoint. */
    cacheHits: number;
    /** Requests (or fetcher calls) made to the endpoint. */
    fetches: number;
    /** Of those, the ones that failed. */
    fetchErrors: number;
    /** Of those, the ones answered `304 Not Modified` (`conditionalRequests`). */
    notModified: number;
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
    /** With `sharedCache`: sets read from the store instead of fetched. */
    sharedHits?: number;
    /** With `sharedCache`: sets this client fetched and stored. */
    sharedWrites?: number;
    /** With `sharedCache`: fetches that waited for another process holding the lock. */
    sharedWaits?: number;
    /** With `sharedCache`: locks taken over after waiting (the holder ended or died). */
    sharedTakeovers?: number;
    /** With `sharedCache`: waits ended at once by the lock holder's publication. */
    sharedWakeups?: number;
    /** With `sharedCache`: store operations that failed or timed out (then fetched directly). */
    sharedErrors?: number;
    /** With `sharedCache`: stored records ignored (unreadable, too large, bad MAC, stale, no key). */
    sharedRejected?: number;
    /**
     * With `issuer` (and no `jwksUri`): requests for the discovery document.
     * The other counters are then those of the current `jwks_uri`'s client.
     */
    discoveryFetches?: number;
  }

  interface Headers {
    [key: string]: string;
  }

  /** Key types jwks-rsa 4.1.0 skips, served only when asked for with `true`. */
  interface KeyTypeOptions {
    /**
     * Serve keys that have no public members of their own (`n`/`e`, `x`/`y`, `x`)
     * from the SubjectPublicKeyInfo of their first `x5c` certificate. Keys that have
     * them are always read from them. Default `false`.
     */
    x5cOnlyKeys?: boolean;
    /** Serve EC keys on `secp256k1` (`ES256K`), as jwks-rsa 3 did. Default `false`. */
    secp256k1?: boolean;
  }

  interface OptionsBase extends KeyTypeOptions {
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
    /** Deadline of one fetch in ms. Default 30000, which 0 or any value below 1 ms also means (a fetch is always bounded); at most 2^31-1. */
    timeout?: number;
    /** An http(s) Agent: the fetch then goes through Node's own http/https with it. */
    requestAgent?: HttpAgent | HttpsAgent;
    /** Keys consulted before the endpoint on every cache miss. */
    getKeysInterceptor?(): Promise<JSONWebKey[]>;
    /**
     * Largest JWKS response accepted, in bytes: a whole number from 1 to 2^53 - 1 (else an
     * `ArgumentError`). Default 1048576 (1 MiB).
     */
    maxResponseBytes?: number;
    /**
     * After a fetch, refuse unknown kids for this many ms without fetching
     * again (a flood of forged kids then costs one request): a whole number
     * from 0 to 2^53 - 1 (else an `ArgumentError`). Default 0: off.
     */
    unknownKidCooldown?: number;
    /**
     * Refresh the set in the background when a lookup is served within this many ms of its
     * expiry (`true`: 10% of `cacheMaxAge`; at most half of it). The lookup is answered from
     * the cache at once. A number is a whole number of ms from 0 to 2^53 - 1 (else an
     * `ArgumentError`); `0` or `false`: off. Default off.
     */
    refreshAhead?: boolean | number;
    /**
     * Refresh the set every this many ms (±10% jitter, never past 2^31 - 1 ms) with no traffic
     * needed: a whole number from 1000 to 2^31 - 1 (else an `ArgumentError`); `0` or `false`:
     * off. The timer never keeps the process alive; `close()` stops it. A run fetches nothing
     * when the set was fetched less than 80% of the period ago. Default off.
     */
    backgroundRefresh?: number;
    /**
     * Revalidate the set with its `ETag` / `Last-Modified` (sent as `If-None-Match` /
     * `If-Modified-Since`); a `304` keeps the same keys, fresh again. Default `false`.
     */
    conditionalRequests?: boolean;
    /**
     * Let `Cache-Control: max-age` (or `Expires`) set the set's lifetime, clamped to
     * `[minCacheAge, cacheMaxAge]`; `no-store`/`no-cache` mean `minCacheAge`. Default `false`.
     */
    respectCacheControl?: boolean;
    /**
     * Shortest lifetime a response header may choose, in ms (`respectCacheControl`): a whole
     * number from 0 (no floor) to 2^53 - 1 (else an `ArgumentError`). Default 30000.
     */
    minCacheAge?: number;
    /**
     * A key-set store shared by the processes of a fleet: a fetch first reads
     * it, and one process per refresh fetches while the others wait for its
     * set. Off by default. Not available in the WebAssembly build.
     */
    sharedCache?: SharedCacheOptions;
    /**
     * Share one key set, one fetch in flight and one rate limiter with every
     * client of the same endpoint and options in any worker thread of this
     * process. Not applied with `fetcher`, `requestAgent`,
     * `getKeysInterceptor`, or on the WebAssembly backend. Default false.
     */
    shareAcrossThreads?: boolean;
    /**
     * Try a fetch again after a transient failure: a connection refused, reset or timed out,
     * or an answer 5xx or 429 (not before its `Retry-After`; one longer than `maxDelay` is not
     * waited for). Never after another 4xx or an unusable body. `true`: one retry with the
     * default delays. The retries are part of the one fetch: the rate limiter counts it once,
     * and it ends within `timeout` of its start. Not with a `fetcher`, nor in the WebAssembly
     * build. Default off.
     */
    retry?: boolean | RetryOptions;
  }

  /** `retry`: each field a whole number (else an `ArgumentError`). */
  interface RetryOptions {
    /** Retries after the first attempt, from 0 to 10. Default 1. */
    retries?: number;
    /**
     * Least pause before a retry in ms, from 0 to 2^31 - 1. Retry `n` waits a random time
     * from `max(minDelay, c / 2)` to `c = min(maxDelay, minDelay * 2^n)`. Default 100.
     */
    minDelay?: number;
    /** Longest pause in ms, and longest `Retry-After` waited for: `minDelay` to 2^31 - 1. Default 1000. */
    maxDelay?: number;
  }

  interface SharedCacheOptionsBase {
    /** Prefix of the keys the client uses in the store. Default `'jwks-rsa-native:'`. */
    keyPrefix?: string;
    /** Key of an HMAC-SHA256 over each record: records without a valid one are ignored. */
    secret?: string | Buffer;
    /**
     * Bound of each store operation in ms, past which the client fetches directly: a whole
     * number from 1 to the client's `timeout` (else an `ArgumentError`). Default 500, or
     * `timeout` if shorter.
     */
    commandTimeout?: number;
  }

  interface SharedCacheOnRedis extends SharedCacheOptionsBase {
    /** `redis://[user:password@]host[:port][/db]` or `rediss://` (TLS); no query or fragment. */
    redis: string;
    store?: undefined;
  }

  interface SharedCacheOnStore extends SharedCacheOptionsBase {
    store: SharedStore;
    redis?: undefined;
  }

  type SharedCacheOptions = SharedCacheOnRedis | SharedCacheOnStore;

  /**
   * A store for `sharedCache`, with Redis's semantics. Every method may
   * reject or never settle: the client then fetches directly.
   */
  interface SharedStore {
    /** The value stored under `key`, or `null`/`undefined`. */
    get(key: string): Promise<string | Buffer | null | undefined>;
    /** Stores `value` under `key`, to expire after `ttlMs`. */
    set(key: string, value: string, ttlMs: number): Promise<unknown>;
    /**
     * Sets `key` to `token` for `ttlMs` only if `key` is absent (Redis
     * `SET key token NX PX ttlMs`), resolving with whether it did. Without
     * it, every process that finds no newer set fetches.
     */
    lock?(key: string, token: string, ttlMs: number): Promise<boolean>;
    /** Deletes `key` only if it still holds `token`. */
    unlock?(key: string, token: string): Promise<unknown>;
    /**
     * With `publish`: resolves once `onMessage` is called for every message
     * published on `channel`. Without the pair, waiters poll the store.
     */
    subscribe?(channel: string, onMessage: (message: string) => void): Promise<unknown>;
    /** With `subscribe`: delivers `message` to every subscriber of `channel`. */
    publish?(channel: string, message: string): Promise<unknown>;
  }

  interface OptionsWithFetcher extends OptionsBase {
    fetcher(jwksUri: string): Promise<{ keys: any }>;
    jwksUri?: string;
  }

  interface OptionsWithUri extends OptionsBase {
    jwksUri: string;
    fetcher?(jwksUri: string): Promise<{ keys: any }>;
  }

  /**
   * OpenID Connect discovery: the keys come from the `jwks_uri` of
   * `<issuer>/.well-known/openid-configuration`, whose `issuer` must equal
   * this one exactly. An `http:` or `https:` URL without query or fragment
   * (not even an empty `?` or `#`), else an `ArgumentError`. Ignored when
   * `jwksUri` or a `fetcher` is set.
   */
  interface OptionsWithIssuer extends OptionsBase {
    issuer: string;
    jwksUri?: string;
  }

  type Options = OptionsWithFetcher | OptionsWithUri | OptionsWithIssuer;

  /** An `issuers` entry: the issuer, and its JWKS URI when it is not to be discovered. */
  interface IssuerEntry {
    issuer: string;
    jwksUri?: string;
  }

  /**
   * Decides at run time whether a token's `iss` is an issuer to look keys up
   * for (discovered from the issuer URL); only `true` accepts. Called for
   * every token with that issuer, so it must accept only trusted issuers.
   */
  type IssuerPredicate = (iss: string) => boolean | Promise<boolean>;

  /**
   * Helper options with `issuers` instead of `jwksUri`/`issuer`: each token's
   * key comes from the client of its `iss` claim; an `iss` not accepted gets
   * no key. A RegExp must match the whole `iss`.
   */
  type WithIssuers<O> = Omit<O, 'jwksUri' | 'issuer' | 'fetcher'> & {
    issuers: ReadonlyArray<string | IssuerEntry> | IssuerPredicate | RegExp;
    /**
     * Issuer clients kept at most (the least recently used one is dropped and
     * closed). Default 100 with a function or RegExp, no bound with a list.
     */
    maxIssuers?: number;
    fetcher?(jwksUri: string): Promise<{ keys: any }>;
  };

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

  /** With `issuers`: each issuer's client, made on its first token (not enumerable). */
  interface WithClients {
    readonly clients: ReadonlyMap<string, JwksClient>;
  }

  /** Options that ask for a `KeyObject` instead of the PEM. */
  type WithKeyObject<O> = O & { keyObject: true };

  function expressJwtSecret(options: WithIssuers<ExpressJwtOptions>): SecretCallbackLong & GetVerificationKey & WithClients;
  function expressJwtSecret(options: ExpressJwtOptions): SecretCallbackLong & GetVerificationKey & WithClient;

  function passportJwtSecret(options: WithIssuers<ExpressJwtOptions>): SecretCallback & WithClients;
  function passportJwtSecret(options: ExpressJwtOptions): SecretCallback & WithClient;

  /** Options of the helpers that may hand out a `KeyObject` instead of a PEM. */
  interface KeyObjectOption extends SelectByAlgOption {
    /** Pass the cached `crypto.KeyObject` to the verifier instead of the PEM string. Default `false`. */
    keyObject?: boolean;
  }

  /** Options of every framework helper. */
  interface SelectByAlgOption {
    /**
     * Hand over the key of the token's kid whose type, curve and declared
     * `alg` fit the token's `alg`, and no key when none does (jwks-rsa picks
     * by kid alone). Default `false`, but `true` in `fastifyJwtSecret`.
     */
    selectByAlg?: boolean;
  }

  type ExpressJwtOptions = Options &
    KeyObjectOption & {
      handleSigningKeyError?: (err: Error | null, cb: (err: Error | null) => void) => void;
    };

  function hapiJwt2Key(
    options: WithKeyObject<WithIssuers<HapiJwtOptions>>,
  ): ((decodedToken: DecodedToken, cb: HapiKeyObjectCallback) => void) & WithClients;
  function hapiJwt2Key(options: WithIssuers<HapiJwtOptions>): ((decodedToken: DecodedToken, cb: HapiCallback) => void) & WithClients;
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
    /** Read (for `iss`) only with `issuers`. */
    payload?: any;
  }

  interface TokenHeader {
    alg: string;
    kid: string;
  }

  function hapiJwt2KeyAsync(
    options: WithKeyObject<WithIssuers<HapiJwtOptions>>,
  ): ((decodedToken: DecodedToken) => Promise<{ key: KeyObject }>) & WithClients;
  function hapiJwt2KeyAsync(
    options: WithIssuers<HapiJwtOptions>,
  ): ((decodedToken: DecodedToken) => Promise<{ key: string }>) & WithClients;
  function hapiJwt2KeyAsync(
    options: WithKeyObject<HapiJwtOptions>,
  ): ((decodedToken: DecodedToken) => Promise<{ key: KeyObject }>) & WithClient;
  function hapiJwt2KeyAsync(options: HapiJwtOptions): ((decodedToken: DecodedToken) => Promise<{ key: string }>) & WithClient;

  function koaJwtSecret(
    options: WithKeyObject<WithIssuers<KoaJwtOptions>>,
  ): ((header: TokenHeader, payload?: any) => Promise<KeyObject>) & WithClients;
  function koaJwtSecret(options: WithIssuers<KoaJwtOptions>): ((header: TokenHeader, payload?: any) => Promise<string>) & WithClients;
  function koaJwtSecret(options: WithKeyObject<KoaJwtOptions>): ((header: TokenHeader) => Promise<KeyObject>) & WithClient;
  function koaJwtSecret(options: KoaJwtOptions): ((header: TokenHeader) => Promise<string>) & WithClient;

  type KoaJwtOptions = Options &
    KeyObjectOption & {
      handleSigningKeyError?(err: Error | null): Promise<void>;
    };

  type FastifyJwtOptions = Options & SelectByAlgOption;

  /**
   * A `secret` for @fastify/jwt registered with `decode: { complete: true }`:
   * called with the request and the decoded token, resolves the key's PEM.
   * A token that gets no key is refused with an error whose `statusCode` is 401.
   * Not in jwks-rsa (and not enumerable on the module).
   */
  function fastifyJwtSecret(options: WithIssuers<FastifyJwtOptions>): ((request: unknown, token: unknown) => Promise<string>) & WithClients;
  function fastifyJwtSecret(options: FastifyJwtOptions): ((request: unknown, token: unknown) => Promise<string>) & WithClient;

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
