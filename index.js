'use strict';

const { JwksClient } = require('./lib/client');
const errors = require('./lib/errors');

function jwksClient(options) {
  return new JwksClient(options);
}

module.exports = jwksClient;
module.exports.JwksClient = JwksClient;
module.exports.ArgumentError = errors.ArgumentError;
module.exports.JwksError = errors.JwksError;
module.exports.JwksRateLimitError = errors.JwksRateLimitError;
module.exports.SigningKeyNotFoundError = errors.SigningKeyNotFoundError;
