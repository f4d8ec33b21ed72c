// The four error classes of jwks-rsa, built as it builds them (a constructor
// function over Error.prototype; `name` and `message` own enumerable
// properties, in sloppy mode as there) so that `Object.keys(err)`,
// `util.inspect(err)` and deep-equality checks see what they saw before.

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

module.exports = { ArgumentError, JwksError, JwksRateLimitError, SigningKeyNotFoundError };
