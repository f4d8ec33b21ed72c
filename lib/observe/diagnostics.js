'use strict';

const diagnostics = require('diagnostics_channel');
const { toError } = require('../native-errors');

// Events on node:diagnostics_channel, for APM tools and apps that watch a
// client without wrapping it. Nothing is asked of the native side and no
// message is built unless someone subscribes to a channel.

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

// Every answer after a fetch carries the client's fetch counters when
// someone watches (`watch` in the request): the first answer to show them
// moved reports the fetch; the other waiters of that fetch see nothing new.
class FetchWatch {
  #client;
  #jwksUri;
  #fetches = 0;
  #errors = 0;
  #kids;

  constructor(client, jwksUri) {
    this.#client = client;
    this.#jwksUri = jwksUri;
  }

  /** Publishes what `event` (a native answer's) says ended since the last one. */
  saw(event) {
    if (!event || (event.fetches === this.#fetches && event.fetchErrors === this.#errors)) return;
    const failed = event.fetchErrors !== this.#errors;
    this.#fetches = event.fetches;
    this.#errors = event.fetchErrors;
    const client = this.#client;
    const jwksUri = this.#jwksUri;
    const error = failed && event.error ? toError(event.error) : null;
    publish('fetch', () => ({ client, jwksUri, fetches: event.fetches, ok: !failed, keys: event.keys, error }));
    if (failed) publish('error', () => ({ client, jwksUri, error }));
    else this.#rotated(event.kids);
  }

  #rotated(kids) {
    const before = this.#kids;
    this.#kids = kids;
    if (before === undefined || !channels.rotate.hasSubscribers) return;
    const added = difference(kids, before);
    const removed = difference(before, kids);
    if (added.length || removed.length) {
      channels.rotate.publish({ client: this.#client, jwksUri: this.#jwksUri, added, removed, kids });
    }
  }
}

module.exports = { FetchWatch, publish, watched };
