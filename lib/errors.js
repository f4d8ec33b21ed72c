// The four error classes of jwks-rsa. They are built the way jwks-rsa builds
// them (a constructor function over Error.prototype, `name` and `message` as
// own enumerable properties) so that `Object.keys(err)`, `util.inspect(err)`
// and deep-equality checks see exactly what they saw before. Sloppy mode (no
// 'use strict'), as jwks-rsa's, gives them the same own properties.

function defineErrorClass(name) {
  const ErrorClass = {
    [name]: function (message) {
      Error.call(this, message);
      Error.captureStackTrace(this, this.constructor);
      this.name = name;
      this.message = message;
    },
  }[name];
  ErrorClass.prototype = Object.create(Error.prototype);
  ErrorClass.prototype.constructor = ErrorClass;
  return ErrorClass;
}

const ArgumentError = defineErrorClass('ArgumentError');
const JwksError = defineErrorClass('JwksError');
const JwksRateLimitError = defineErrorClass('JwksRateLimitError');
const SigningKeyNotFoundError = defineErrorClass('SigningKeyNotFoundError');

module.exports = {
  ArgumentError,
  JwksError,
  JwksRateLimitError,
  SigningKeyNotFoundError,
};
