// forget() and cachedSigningKeys().
import jwksClient = require('../..');

const client = jwksClient({ jwksUri: 'https://issuer.example/.well-known/jwks.json' });

function verifySync(kid: string): string | undefined {
  const keys: jwksClient.SigningKey[] | undefined = client.cachedSigningKeys();
  return keys?.find((key) => key.kid === kid)?.getPublicKey();
}

const one: void = client.forget('compromised');
const all: void = client.forget();
client.forget(null);
// @ts-expect-error: a kid is a string
client.forget(42);
// @ts-expect-error: the accessor is synchronous
client.cachedSigningKeys().then(() => {});

export { verifySync, one, all };
