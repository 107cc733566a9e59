/**
 * Getting (back) online: connection attempts one at a time until one succeeds, with a growing,
 * randomized pause between failures, so that a server coming back after an outage is not met by
 * every client at the same instant, nor hammered by one that cannot get in.
 *
 * The delays come from cockatiel's `ExponentialBackoff` with "equal jitter" (its
 * `halfJitterGenerator`): the n-th pause is random between half and all of `initial × 2^(n-1)`,
 * capped. It always grows, and never falls below half its step, so a device that dropped stays
 * away at least that long. A login is not the end of it: the pauses go on growing across logins
 * until the session is reported {@link Reconnection.up | up} (caught up), so that a device whose
 * sessions keep dropping before then (a catch-up that fails each time) backs off instead of
 * logging in again several times a second. The timer is ours, so that `stop()` cancels a pending attempt at once
 * and nothing outlives the transport.
 *
 * @module
 */
import { ExponentialBackoff, halfJitterGenerator, type IBackoff } from 'cockatiel'

/** How the pauses between failed attempts grow. */
export interface BackoffSettings {
  /** The first pause, in ms: it falls between half and all of this; each next one doubles. */
  readonly initialDelayMs: number
  /** No pause is longer than this, in ms. */
  readonly maxDelayMs: number
}

/** A failed attempt, and how long until the next one. */
export interface RetryNotice {
  /**
   * 1 for the first retry after a failure, then 2, 3, … (back to 1 once a session was reported up).
   * A session that dropped before it was up counts as a failed attempt.
   */
  readonly attempt: number
  readonly delayMs: number
  /** Why the attempt failed (a library error: for logs). */
  readonly error: unknown
}

export interface ReconnectionHooks {
  /** One attempt: resolves once online, rejects when this attempt failed. */
  readonly attempt: () => Promise<void>
  /** A failure no retry can cure (refused credentials): give up. */
  readonly isTerminal: (error: unknown) => boolean
  readonly onRetry: (notice: RetryNotice) => void
  readonly onGiveUp: (error: unknown) => void
}

export class Reconnection {
  readonly #hooks: ReconnectionHooks
  readonly #backoff: ExponentialBackoff<unknown>
  /** Bumped by `stop()`: a run that sees another value stops where it is. */
  #run = 0
  #running = false
  #timer: ReturnType<typeof setTimeout> | undefined
  #wake: (() => void) | undefined
  /** Where the pauses are on their growing scale since a session was last up; `undefined`: at the start. */
  #step: IBackoff<unknown> | undefined
  /** Failures since a session was last up (for `RetryNotice.attempt`). */
  #failures = 0
  /** The last login succeeded and its session has not been reported up yet. */
  #awaitingUp = false

  constructor(settings: BackoffSettings, hooks: ReconnectionHooks) {
    this.#hooks = hooks
    this.#backoff = new ExponentialBackoff({ generator: halfJitterGenerator, initialDelay: settings.initialDelayMs, maxDelay: settings.maxDelayMs })
  }

  /** Whether attempts are under way. */
  get running(): boolean {
    return this.#running
  }

  /**
   * Start attempting, unless attempts are under way already. `pauseFirst`: begin with a pause, as
   * after a dropped connection, so that the devices a server restart dropped together do not all
   * come back at the same instant.
   */
  start(pauseFirst = false): void {
    if (this.#running) return
    this.#running = true
    void this.#attempts(this.#run, pauseFirst)
  }

  /**
   * The session is fully up (caught up): a later drop is met with the shortest pause again. Until
   * this is called, each drop counts as one more failure.
   */
  up(): void {
    this.#step = undefined
    this.#failures = 0
    this.#awaitingUp = false
  }

  /** Stop attempting; a pending pause ends now, with no further attempt. */
  stop(): void {
    this.#run++
    this.#running = false
    clearTimeout(this.#timer)
    this.#wake?.()
  }

  async #attempts(run: number, pauseFirst: boolean): Promise<void> {
    if (pauseFirst) {
      // A session that was never reported up dropped: that login failed too.
      const dropped = this.#awaitingUp
      const delayMs = this.#nextPause()
      if (dropped) this.#hooks.onRetry({ attempt: ++this.#failures, delayMs, error: new Error('the session dropped before it was up') })
      await this.#pause(delayMs)
      if (run !== this.#run) return
    }
    for (;;) {
      try {
        await this.#hooks.attempt()
        this.#awaitingUp = true
        if (run === this.#run) this.#running = false
        return
      } catch (error) {
        if (run !== this.#run) return
        if (this.#hooks.isTerminal(error)) {
          this.#running = false
          this.#hooks.onGiveUp(error)
          return
        }
        const delayMs = this.#nextPause()
        this.#hooks.onRetry({ attempt: ++this.#failures, delayMs, error })
        await this.#pause(delayMs)
        if (run !== this.#run) return
      }
    }
  }

  #nextPause(): number {
    this.#step = this.#step === undefined ? this.#backoff.next() : this.#step.next(undefined)
    return Math.round(this.#step.duration)
  }

  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = () => {
        this.#wake = undefined
        resolve()
      }
      this.#timer = setTimeout(this.#wake, ms)
    })
  }
}
