// ESM entry: the CommonJS module's exports, so `import` and `require` share
// one implementation (and one cache per client).
import jwksClient from './index.js';

export default jwksClient;
export const {
  JwksClient,
  ArgumentError,
  JwksError,
  JwksRateLimitError,
  SigningKeyNotFoundError,
  expressJwtSecret,
  hapiJwt2Key,
  hapiJwt2KeyAsync,
  koaJwtSecret,
  passportJwtSecret,
  fastifyJwtSecret,
} = jwksClient;
