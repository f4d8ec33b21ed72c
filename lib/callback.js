'use strict';

const util = require('util');

// A truthy callback that is not a function: the very TypeError
// util.callbackify throws for it in jwks-rsa.
function rejectCallback(cb) {
  util.callbackify(async () => {})(cb);
}

module.exports = { rejectCallback };
