// The ESM form of the same imports.
import jwksClient, { JwksClient, SigningKeyNotFoundError } from 'jwks-rsa-native';

const client: JwksClient = jwksClient({ jwksUri: 'https://issuer.example/jwks' });
const key = await client.getSigningKey('kid');
console.log(key.getPublicKey(), SigningKeyNotFoundError);
