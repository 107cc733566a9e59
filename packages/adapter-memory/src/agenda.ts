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

interface OpenTicket extends Ticket {
  handle: TimerHandle
  /** Neither run nor cancelled yet. */
  open: boolean
}

/** Timers on the IM's clock, with a count of those not yet run or cancelled. */
export class Agenda {
  readonly #clock: Clock
  /** Tickets still open: a count, not a set (the ticket knows whether it is open). */
  #open = 0

  constructor(clock: Clock) {
    this.#clock = clock
  }

  /** How many scheduled pieces of work have neither run nor been cancelled. */
  get outstanding(): number {
    return this.#open
  }

  /** Run `fn` after `ms` on the IM's clock. */
  schedule(ms: number, fn: () => void): Ticket {
    const ticket: OpenTicket = { handle: undefined, open: true }
    this.#open++
    ticket.handle = this.#clock.setTimeout(() => {
      // Counted as done before it runs: work it schedules in turn is counted on its own.
      ticket.open = false
      this.#open--
      fn()
    }, ms)
    return ticket
  }

  /** Call off scheduled work; a ticket that already ran is ignored. */
  cancel(ticket: Ticket): void {
    const held = ticket as OpenTicket
    if (!held.open) return
    held.open = false
    this.#open--
    this.#clock.clearTimeout(held.handle)
  }
}
