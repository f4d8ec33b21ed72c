// The retry option is typed.
import jwksClient = require('../..');

jwksClient({ jwksUri: 'https://issuer.example/jwks', retry: true });
jwksClient({ jwksUri: 'https://issuer.example/jwks', retry: false });
const retry: jwksClient.RetryOptions = { retries: 2, minDelay: 100, maxDelay: 1000 };
jwksClient({ jwksUri: 'https://issuer.example/jwks', retry, timeout: 5000 });
jwksClient({ jwksUri: 'https://issuer.example/jwks', retry: {} });

// @ts-expect-error: retry is a boolean or an object
jwksClient({ jwksUri: 'https://issuer.example/jwks', retry: 3 });
// @ts-expect-error: retries is a number
jwksClient({ jwksUri: 'https://issuer.example/jwks', retry: { retries: 'twice' } });
// @ts-expect-error: no such field
jwksClient({ jwksUri: 'https://issuer.example/jwks', retry: { attempts: 2 } });
