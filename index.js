// No 'use strict' here, nor in lib/errors.js: jwks-rsa's exports are
// sloppy-mode functions, and only sloppy-mode code makes functions with the
// same own properties (`arguments`, `caller`) that shape checks compare.

const { JwksClient } = require('./lib/client/jwks-client');
const errors = require('./lib/errors');
const { backend } = require('./lib/loader/native');

// A framework helper's module loads on first use: an app uses one framework
// at most, and `require()` of this package stays cheap.
function helper(file, name) {
  return require(`./lib/integrations/${file}`)[name];
}

// Anonymous arrow and plain functions, as in jwks-rsa: `new
// expressJwtSecret(options)` works there and old code does it.
module.exports = (options) => new JwksClient(options);
module.exports.JwksClient = JwksClient;
module.exports.ArgumentError = errors.ArgumentError;
module.exports.JwksError = errors.JwksError;
module.exports.JwksRateLimitError = errors.JwksRateLimitError;
module.exports.SigningKeyNotFoundError = errors.SigningKeyNotFoundError;
module.exports.expressJwtSecret = function (options) {
  return helper('express', 'expressJwtSecret')(options);
};
module.exports.hapiJwt2Key = function (options) {
  return helper('hapi', 'hapiJwt2Key')(options);
};
module.exports.hapiJwt2KeyAsync = (options) => helper('hapi', 'hapiJwt2KeyAsync')(options);
module.exports.koaJwtSecret = function (options = {}) {
  return helper('koa', 'koaJwtSecret')(options);
};
module.exports.passportJwtSecret = function (options) {
  return helper('passport', 'passportJwtSecret')(options);
};
// 'native' or 'wasm': which build serves this process, and the helper for
// @fastify/jwt, which jwks-rsa lacks. Not enumerable, so the module keeps
// the exact shape of jwks-rsa's.
Object.defineProperty(module.exports, 'backend', { value: backend, enumerable: false });
Object.defineProperty(module.exports, 'fastifyJwtSecret', {
  value: function fastifyJwtSecret(options) {
    return helper('fastify', 'fastifyJwtSecret')(options);
  },
  enumerable: false,
});
