'use strict';

const diagnostics = require('node:diagnostics_channel');

// Whether `promise` settles within a few turns of the event loop: a lookup
// answered from the cache does; one waiting for a held endpoint does not.
async function settlesPromptly(promise, turns = 20) {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; i < turns && !settled; i++) await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

// Resolves with the next message published on `name` that `accept` takes.
function nextMessage(name, accept = () => true) {
  return new Promise((resolve) => {
    const onMessage = (message) => {
      if (!accept(message)) return;
      diagnostics.unsubscribe(name, onMessage);
      resolve(message);
    };
    diagnostics.subscribe(name, onMessage);
  });
}

// Collects every message published on `name` until `stop()` is called.
function collect(name) {
  const messages = [];
  const onMessage = (message) => messages.push(message);
  diagnostics.subscribe(name, onMessage);
  messages.stop = () => diagnostics.unsubscribe(name, onMessage);
  return messages;
}

module.exports = { settlesPromptly, nextMessage, collect };
