'use strict';

const { JwksClient } = require('./lib/client');
const errors = require('./lib/errors');
const { backend } = require('./lib/native');

function jwksClient(options) {
  return new JwksClient(options);
}

// A framework helper whose module loads on first use: an app uses one
// framework at most, and `require()` of this package stays cheap.
function lazyHelper(file, name) {
  return {
    [name](options) {
      return require(`./lib/integrations/${file}`)[name](options);
    },
  }[name];
}

module.exports = jwksClient;
module.exports.JwksClient = JwksClient;
module.exports.ArgumentError = errors.ArgumentError;
module.exports.JwksError = errors.JwksError;
module.exports.JwksRateLimitError = errors.JwksRateLimitError;
module.exports.SigningKeyNotFoundError = errors.SigningKeyNotFoundError;
module.exports.expressJwtSecret = lazyHelper('express', 'expressJwtSecret');
module.exports.hapiJwt2Key = lazyHelper('hapi', 'hapiJwt2Key');
module.exports.hapiJwt2KeyAsync = lazyHelper('hapi', 'hapiJwt2KeyAsync');
module.exports.koaJwtSecret = lazyHelper('koa', 'koaJwtSecret');
module.exports.passportJwtSecret = lazyHelper('passport', 'passportJwtSecret');
// 'native' or 'wasm': which build serves this process. Not enumerable, so the
// module keeps the exact shape of jwks-rsa's.
Object.defineProperty(module.exports, 'backend', { value: backend, enumerable: false });
