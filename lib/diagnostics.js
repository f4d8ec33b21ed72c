'use strict';

const diagnostics = require('diagnostics_channel');
const { toError } = require('./native-errors');

// Events on node:diagnostics_channel, for APM tools and apps that watch a
// client without wrapping it. Nothing is read from the native side and no
// message is built unless someone subscribes to the channel concerned.

const channels = {
  fetch: diagnostics.channel('jwks-rsa-native:fetch'),
  refresh: diagnostics.channel('jwks-rsa-native:refresh'),
  rotate: diagnostics.channel('jwks-rsa-native:rotate'),
  stale: diagnostics.channel('jwks-rsa-native:stale'),
  error: diagnostics.channel('jwks-rsa-native:error'),
};

/** Whether any of the channels has a subscriber. */
function watched() {
  return (
    channels.fetch.hasSubscribers ||
    channels.refresh.hasSubscribers ||
    channels.rotate.hasSubscribers ||
    channels.stale.hasSubscribers ||
    channels.error.hasSubscribers
  );
}

/** Publishes `make()` on channel `name` when it has subscribers. */
function publish(name, make) {
  const channel = channels[name];
  if (channel.hasSubscribers) channel.publish(make());
}

function difference(kids, other) {
  const known = new Set(other);
  return kids.filter((kid) => !known.has(kid));
}

// Every fetch is awaited by whoever started or joined it, so the client
// looks here after each such await: the first to resume sees the counters
// move and reports the fetch; the others see nothing new.
class FetchWatch {
  #native;
  #client;
  #fetches = 0;
  #errors = 0;
  #kids;

  constructor(native, client) {
    this.#native = native;
    this.#client = client;
  }

  /** Publishes what ended since the last look, if anyone is watching. */
  look() {
    if (!watched()) return;
    const { fetches, fetchErrors } = this.#native.stats();
    if (fetches === this.#fetches && fetchErrors === this.#errors) return;
    const failed = fetchErrors !== this.#errors;
    this.#fetches = fetches;
    this.#errors = fetchErrors;
    const client = this.#client;
    const jwksUri = client.options.jwksUri;
    const health = this.#native.health();
    const error = failed && health.lastError ? toError(health.lastError) : null;
    publish('fetch', () => ({ client, jwksUri, fetches, ok: !failed, keys: health.keys, error }));
    if (failed) publish('error', () => ({ client, jwksUri, error }));
    else this.#rotated(client, jwksUri);
  }

  #rotated(client, jwksUri) {
    if (!channels.rotate.hasSubscribers) return;
    const kids = this.#native.kids();
    const before = this.#kids;
    this.#kids = kids;
    if (before === undefined) return;
    const added = difference(kids, before);
    const removed = difference(before, kids);
    if (added.length || removed.length) channels.rotate.publish({ client, jwksUri, added, removed, kids });
  }
}

module.exports = { FetchWatch, publish, watched };
