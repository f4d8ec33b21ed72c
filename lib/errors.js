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

/**
 * `value` as an error message of this package shows it: `"text"`, `0.5`,
 * `NaN`, `10n`, `{}`, `undefined`; cut after `max` characters, since it may
 * come from the network, a token or a cyclic object.
 */
function shown(value, max = 200) {
  let text;
  try {
    text = typeof value === 'number' ? String(value) : typeof value === 'bigint' ? `${value}n` : JSON.stringify(value);
  } catch {
    text = undefined;
  }
  if (text === undefined) text = value === undefined || typeof value === 'symbol' ? String(value) : Object.prototype.toString.call(value);
  return cut(text, max);
}

/** `text` cut after `max` characters. */
function cut(text, max = 200) {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}

module.exports = { ArgumentError, JwksError, JwksRateLimitError, SigningKeyNotFoundError, shown, cut };
