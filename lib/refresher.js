'use strict';

const { admitted } = require('./limiter-clock');
const { toError } = require('./native-errors');
const { makeSigningKey } = require('./signing-key');
const { publish } = require('./diagnostics');
const { alreadyFresh, windowOpens } = require('./refresh-skip');
const { MAX_TIMER_MS } = require('./constants');

// Fetches that no lookup waits for: refresh-ahead, the background refresh,
// reload() and warm(). At most one runs at a time (and it joins the native
// fetch in flight, if any); each is charged to the rate limiter; a refresh
// that is refused or fails never fails a lookup, and the cached set keeps
// answering until its own expiry.

/** The background timer's spread around its period: ±10%, so a fleet does not fetch in lockstep. */
const JITTER = 0.1;

// A client that is garbage collected stops its timer: the timer reaches
// its refresher through a WeakRef only, and this registry clears it.
const timers = new FinalizationRegistry((slot) => clearTimeout(slot.timer));

class Refresher {
  #client;
  #prepare;
  #native;
  #limited;
  #renew;
  #watch;
  #running;
  /** No refresh-ahead before this instant: the set in use is not in its window yet, or its refresh failed. */
  #quietUntil = 0;
  #every;
  /** @type {{ timer: NodeJS.Timeout | undefined, at: number | null }} */
  #slot = { timer: undefined, at: null };

  /**
   * `prepare()` picks the transport as a miss would; `renew(now)` brings
   * memoized keys up to the set just fetched; `watch` reports fetches to
   * diagnostics_channel.
   */
  constructor({ client, native, limited, ahead, every, prepare, renew, watch }) {
    this.#client = client;
    this.#prepare = prepare;
    this.#native = native;
    this.#limited = limited;
    this.#renew = renew;
    this.#watch = watch;
    this.#every = every;
    /** The refresh-ahead window in ms (0: off). */
    this.ahead = ahead;
  }

  /** Starts the background timer, if configured; `owner` is the client whose collection stops it. */
  start(owner) {
    if (this.#every === 0) return;
    timers.register(owner, this.#slot, this.#slot);
    this.#schedule(new WeakRef(this));
  }

  /** Stops the background timer for good. */
  close() {
    this.#every = 0;
    clearTimeout(this.#slot.timer);
    this.#slot.at = null;
    timers.unregister(this.#slot);
  }

  /** From when a lookup refreshes a set fresh until `freshUntil`: its window, or its expiry. */
  refreshFrom(freshUntil) {
    return this.ahead ? Math.max(freshUntil - this.ahead, this.#quietUntil) : freshUntil;
  }

  /** When the background timer fires next (ms), or null. */
  get nextRunAt() {
    return this.#slot.at;
  }

  /**
   * Called by a lookup answered from a set that expires at `expires`, within
   * the window: starts one refresh unless one runs or the set's was tried.
   */
  due(now, expires) {
    if (this.#running !== undefined || now < this.#quietUntil) return;
    this.#run('refreshAhead', false, expires).catch(() => {});
  }

  /** `reload()` / `warm()`: the signing keys of a fetch made now (or joined). */
  async reload(trigger) {
    const answer = await this.#run(trigger, true, 0);
    return answer.keys.map(makeSigningKey);
  }

  #schedule(ref) {
    // Clamped after the jitter: Node runs a longer delay after 1 ms. (A
    // period near the limit then runs between 90% and 100% of it.)
    const delay = Math.min(Math.round(this.#every * (1 - JITTER + 2 * JITTER * Math.random())), MAX_TIMER_MS);
    const slot = this.#slot;
    slot.at = Date.now() + delay;
    slot.timer = setTimeout(() => {
      const refresher = ref.deref();
      if (refresher === undefined || refresher.#every === 0) return;
      // The next run is set first: a slow fetch cannot stop the schedule,
      // and a run that finds the last one still going joins it.
      refresher.#schedule(ref);
      refresher.#run('backgroundRefresh', false, 0).catch(() => {});
    }, delay);
    slot.timer.unref();
  }

  // One refresh at a time: a second caller joins the first, unless it
  // wants keys the first does not bring (then the native side joins it).
  #run(trigger, withKeys, expires) {
    const running = this.#running;
    if (running !== undefined && (!withKeys || running.withKeys)) return running.promise;
    /** @type {{ withKeys: boolean, promise: Promise<any> | undefined }} */
    const run = { withKeys, promise: undefined };
    this.#running = run;
    run.promise = this.#refresh(run, trigger, expires);
    return run.promise;
  }

  async #refresh(run, trigger, expires) {
    this.#prepare();
    const started = Date.now();
    if (!run.withKeys) {
      const health = this.#native.health();
      if (alreadyFresh(trigger, health, started, this.ahead, this.#every)) return this.#skipped(run, trigger, health);
    }
    // Only a caller (reload, warm) waits for a token: native refuses a
    // refresh nobody waits for instead.
    const answer = await admitted((now, clock) => this.#native.refresh(now, clock, run.withKeys), started, this.#limited);
    // Over before anyone hears of it: whoever reacts may start the next.
    if (this.#running === run) this.#running = undefined;
    this.#watch();
    const error = answer.error ? toError(answer.error) : null;
    if (error === null) {
      this.#quietUntil = this.#nextWindow(started);
      this.#renew(Date.now());
    } else {
      // This set's refresh-ahead is spent; its expiry makes lookups fetch as usual.
      this.#quietUntil = Math.max(this.#quietUntil, expires + 1);
    }
    // Published once the memo serves the new set: a subscriber that looks
    // up a key then gets it from there.
    this.#published(trigger, answer.kids.length, error);
    if (error !== null) throw error;
    return answer;
  }

  // When the set just fetched enters its window.
  #nextWindow(started) {
    const { freshUntil } = this.#native.health();
    return freshUntil == null ? Infinity : windowOpens(started, freshUntil, this.ahead);
  }

  // A refresh the set in use already satisfies: the memo is brought up to
  // that set, as after a fetch, with no request.
  #skipped(run, trigger, { fetchedAt, freshUntil }) {
    if (this.#running === run) this.#running = undefined;
    this.#quietUntil = windowOpens(fetchedAt, freshUntil, this.ahead);
    this.#renew(Date.now());
    const kids = this.#native.kids();
    this.#published(trigger, kids.length, null);
    return { kids };
  }

  #published(trigger, keys, error) {
    const client = this.#client;
    publish('refresh', () => ({ client, jwksUri: client.options.jwksUri, trigger, ok: error === null, keys, error }));
  }
}

module.exports = { Refresher };
