/**
 * Waiting for an app to reach a state, for the scenario scripts: a person answers a call once it
 * rings, not a fixed time after the caller dialled. Over a real server on a busy machine a ring
 * can take longer than a script's pause; on a virtual clock the state is reached long before.
 *
 * @module
 */
import type { Clock } from '@beckon/core'

interface Waiter {
  readonly holds: () => boolean
  readonly resolve: () => void
}

/** The waiters of one app, checked each time the app's state changes. */
export class Reached {
  #waiting: Waiter[] = []

  constructor(
    private readonly who: string,
    private readonly clock: Clock,
  ) {}

  /**
   * Resolves once `holds()` is true (at once if it is already); rejects, naming `what`, if it is
   * not within `withinMs` on the app's clock — past an invitation's timeout its ring never comes.
   */
  until(holds: () => boolean, what: string, withinMs: number): Promise<void> {
    if (holds()) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        holds,
        resolve: () => {
          this.clock.clearTimeout(timer)
          resolve()
        },
      }
      const timer = this.clock.setTimeout(() => {
        this.#waiting = this.#waiting.filter((w) => w !== waiter)
        reject(new Error(`${this.who} did not reach "${what}" within ${withinMs} ms`))
      }, withinMs)
      this.#waiting.push(waiter)
    })
  }

  /** Call after every change of the app's state. */
  changed(): void {
    const ready = this.#waiting.filter((w) => w.holds())
    this.#waiting = this.#waiting.filter((w) => !ready.includes(w))
    for (const w of ready) w.resolve()
  }
}
