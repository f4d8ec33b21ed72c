'use strict';

const { MAX_TIMER_MS } = require('../config/constants');

// The timers and the one-at-a-time rule of the refreshes no lookup waits
// for: refresh-ahead, the background refresh, reload() and warm(). Whether
// a refresh fetches, and from when a hit asks for the next, the core
// decides (src/state/client/refresh); a refresh that is refused or fails
// never fails a lookup.

/** The background timer's spread around its period: ±10%, so a fleet does not fetch in lockstep. */
const JITTER = 0.1;

// A client that is garbage collected stops its timer: the timer reaches
// its refresher through a WeakRef only, and this registry clears it.
const timers = new FinalizationRegistry((slot) => clearTimeout(slot.timer));

class Refresher {
  /** From when a memo hit starts a refresh-ahead (the core says; Infinity: not now). */
  refreshAt = Infinity;
  #refresh;
  #every;
  #running;
  /** @type {{ timer: NodeJS.Timeout | undefined, at: number | null }} */
  #slot = { timer: undefined, at: null };

  /**
   * `refresh(trigger, over)` asks the core and calls `over()` once it
   * answered; `every` is the background period in ms (0: off).
   */
  constructor(refresh, every) {
    this.#refresh = refresh;
    this.#every = every;
  }

  /** Takes the core's `refreshFrom` from an answer (none without refreshAhead). */
  moveTo(refreshFrom) {
    this.refreshAt = refreshFrom ?? Infinity;
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

  /** When the background timer fires next (ms), or null. */
  get nextRunAt() {
    return this.#slot.at;
  }

  /** A memo hit past `refreshAt`: one refresh-ahead, unless a refresh runs. */
  due() {
    this.refreshAt = Infinity;
    this.run('refreshAhead').catch(() => {});
  }

  /**
   * The core's answer to a refresh for `trigger`. One runs at a time: a
   * second joins it, unless it waits for keys the first does not bring
   * (then the core joins its fetch).
   */
  run(trigger) {
    const withKeys = trigger === 'reload' || trigger === 'warm';
    const running = this.#running;
    if (running !== undefined && (!withKeys || running.withKeys)) return running.promise;
    /** @type {{ withKeys: boolean, promise: Promise<any> | undefined }} */
    const run = { withKeys, promise: undefined };
    this.#running = run;
    // `over()` comes before anyone hears of the answer: whoever reacts may start the next.
    run.promise = this.#refresh(trigger, () => {
      if (this.#running === run) this.#running = undefined;
    });
    return run.promise;
  }

  #schedule(ref) {
    // Clamped after the jitter: Node runs a longer delay after 1 ms.
    const delay = Math.min(Math.round(this.#every * (1 - JITTER + 2 * JITTER * Math.random())), MAX_TIMER_MS);
    const slot = this.#slot;
    slot.at = Date.now() + delay;
    slot.timer = setTimeout(() => {
      const refresher = ref.deref();
      if (refresher === undefined || refresher.#every === 0) return;
      // The next run is set first: a slow fetch cannot stop the schedule.
      refresher.#schedule(ref);
      refresher.run('backgroundRefresh').catch(() => {});
    }, delay);
    slot.timer.unref();
  }
}

module.exports = { Refresher };
