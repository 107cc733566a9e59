/**
 * Getting (back) online: connection attempts one at a time until one succeeds, with a growing,
 * randomized pause between failures, so that a server coming back after an outage is not met by
 * every client at the same instant, nor hammered by one that cannot get in.
 *
 * The delays come from cockatiel's `ExponentialBackoff` with "equal jitter" (its
 * `halfJitterGenerator`): the n-th pause is random between half and all of `initial × 2^(n-1)`,
 * capped. It always grows, and never falls below half its step, so a device that dropped stays
 * away at least that long. The timer is ours, so that `stop()` cancels a pending attempt at once
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
  /** 1 for the first retry after a failure, then 2, 3, … (back to 1 once an attempt succeeds). */
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

  /** Stop attempting; a pending pause ends now, with no further attempt. */
  stop(): void {
    this.#run++
    this.#running = false
    clearTimeout(this.#timer)
    this.#wake?.()
  }

  async #attempts(run: number, pauseFirst: boolean): Promise<void> {
    let backoff: IBackoff<unknown> | undefined
    if (pauseFirst) {
      backoff = this.#backoff.next()
      await this.#pause(Math.round(backoff.duration))
      if (run !== this.#run) return
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#hooks.attempt()
        if (run === this.#run) this.#running = false
        return
      } catch (error) {
        if (run !== this.#run) return
        if (this.#hooks.isTerminal(error)) {
          this.#running = false
          this.#hooks.onGiveUp(error)
          return
        }
        backoff = backoff === undefined ? this.#backoff.next() : backoff.next(undefined)
        const delayMs = Math.round(backoff.duration)
        this.#hooks.onRetry({ attempt, delayMs, error })
        await this.#pause(delayMs)
        if (run !== this.#run) return
      }
    }
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
