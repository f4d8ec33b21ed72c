// The key-type options are part of every options type, helpers included.
import jwksClient = require('../..');

const both: jwksClient.Options = {
  jwksUri: 'https://issuer.example/.well-known/jwks.json',
  x5cOnlyKeys: true,
  secp256k1: true,
};
const helper = jwksClient.expressJwtSecret({ jwksUri: 'https://issuer.example/jwks', secp256k1: false });
const viaFetcher = new jwksClient.JwksClient({ fetcher: async () => ({ keys: [] }), x5cOnlyKeys: false });
const typed: jwksClient.KeyTypeOptions = { x5cOnlyKeys: true };

// @ts-expect-error: a switch, not a list of curves.
const wrong: jwksClient.Options = { jwksUri: 'https://issuer.example/jwks', secp256k1: 'yes' };

console.log(jwksClient(both), helper, viaFetcher, typed, wrong);
