/**
 * The IM's own scheduled work (deliveries, catch-up steps, membership events), kept on the IM's
 * clock and counted, so `settle()` in real-time mode knows when nothing is in flight.
 *
 * @module
 */
import type { Clock, TimerHandle } from '@beckon/core'

/** A scheduled piece of IM work; pass it to {@link Agenda.cancel} to call it off. */
export interface Ticket {
  readonly handle: TimerHandle
}

/** Timers on the IM's clock, with a count of those not yet run or cancelled. */
export class Agenda {
  readonly #clock: Clock
  readonly #open = new Set<Ticket>()

  constructor(clock: Clock) {
    this.#clock = clock
  }

  /** How many scheduled pieces of work have neither run nor been cancelled. */
  get outstanding(): number {
    return this.#open.size
  }

  /** Run `fn` after `ms` on the IM's clock. */
  schedule(ms: number, fn: () => void): Ticket {
    const ticket: { handle: TimerHandle } = { handle: undefined }
    this.#open.add(ticket)
    ticket.handle = this.#clock.setTimeout(() => {
      // Counted as done before it runs: work it schedules in turn is counted on its own.
      this.#open.delete(ticket)
      fn()
    }, ms)
    return ticket
  }

  /** Call off scheduled work; a ticket that already ran is ignored. */
  cancel(ticket: Ticket): void {
    if (this.#open.delete(ticket)) this.#clock.clearTimeout(ticket.handle)
  }
}
