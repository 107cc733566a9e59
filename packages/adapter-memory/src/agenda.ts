/**
 * The IM's own scheduled work (deliveries, catch-up steps, membership events), kept on the IM's
 * clock and counted, so `settle()` in real-time mode knows when nothing is in flight.
 *
 * @module
 */
import type { Clock, TimerHandle } from '@beckon/core'
import { Slot } from './timerQueue.js'
import { scheduleSlot, VirtualClock } from './virtualClock.js'

/** A scheduled piece of IM work; pass it to {@link Agenda.cancel} to call it off. */
export interface Ticket {
  readonly handle: TimerHandle
}

interface OpenTicket extends Ticket {
  handle: TimerHandle
  /** Neither run nor cancelled yet. */
  open: boolean
}

/**
 * Work scheduled as an object of its own ({@link Agenda.start}): on the virtual clock it is its
 * own timer slot, so scheduling it allocates nothing; on a real clock it rides on a runtime timer.
 * A subclass says what it does in {@link Task.perform}.
 */
export abstract class Task extends Slot {
  /** Real-time mode: the runtime timer it rides on, while it is open. */
  handle: TimerHandle | undefined = undefined
  /** Real-time mode: started and neither run nor stopped. */
  open = false

  /** What the task does when it comes due. */
  abstract perform(): void

  override run(): void {
    this.perform()
  }
}

/** Timers on the IM's clock, with a count of those not yet run or cancelled. */
export class Agenda {
  readonly #clock: Clock
  /** The clock, when it is virtual: tasks go straight into its queue. */
  readonly #virtual: VirtualClock | undefined
  /** Tickets and real-time tasks still open: a count, not a set (each knows whether it is open). */
  #open = 0

  constructor(clock: Clock) {
    this.#clock = clock
    this.#virtual = clock instanceof VirtualClock ? clock : undefined
  }

  /**
   * How many scheduled pieces of work have neither run nor been cancelled. On the virtual clock
   * tasks are not counted (they are the clock's own timers, and settling there needs no count).
   */
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

  /** Perform `task` after `ms` on the IM's clock; a task is started once, or again after it ran or was stopped. */
  start(task: Task, ms: number): void {
    if (this.#virtual !== undefined) return scheduleSlot(this.#virtual, task, ms)
    task.open = true
    this.#open++
    task.handle = this.#clock.setTimeout(() => {
      task.open = false
      this.#open--
      task.perform()
    }, ms)
  }

  /** Call off a started task; one that already ran (or was never started) is ignored. */
  stop(task: Task): void {
    if (this.#virtual !== undefined) return this.#clock.clearTimeout(task)
    if (!task.open) return
    task.open = false
    this.#open--
    this.#clock.clearTimeout(task.handle)
  }
}
