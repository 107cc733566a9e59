/**
 * Who is waiting for the transport to be `connected` (`ready()`), each with a time limit, and
 * settling them all at once when it is, or when it never will be (a refused login, a disconnect).
 *
 * @module
 */
import { TransportError } from '@beckon/core'

interface Waiter {
  readonly resolve: () => void
  readonly reject: (error: TransportError) => void
}

export class Readiness {
  readonly #waiters = new Set<Waiter>()

  /** Wait until {@link settle}; fail with `Disconnected` and `late`'s words after `timeoutMs`. */
  wait(timeoutMs: number, late: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const settle = (then: () => void): void => {
        clearTimeout(timer)
        this.#waiters.delete(waiter)
        then()
      }
      const waiter: Waiter = {
        resolve: () => settle(resolve),
        reject: (error) => settle(() => reject(error)),
      }
      const timer = setTimeout(() => waiter.reject(new TransportError('Disconnected', late)), timeoutMs)
      this.#waiters.add(waiter)
    })
  }

  /** Everyone waiting is done: ready (no error), or never going to be (the error says why). */
  settle(error?: TransportError): void {
    for (const waiter of [...this.#waiters]) {
      if (error === undefined) waiter.resolve()
      else waiter.reject(error)
    }
  }
}
