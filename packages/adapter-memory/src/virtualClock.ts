/**
 * Virtual time for the embedded IM: nothing happens until a test moves the clock, and then
 * everything due happens in order, with the promise chains it starts finishing before the next
 * event. App timers and message deliveries share one agenda, so they interleave by time exactly
 * as they would in the real world, only without waiting.
 *
 * @module
 */
import type { Clock, TimerHandle } from '@beckon/core'
import { TimerQueue, type Slot } from './timerQueue.js'

/**
 * Where virtual time starts: 2026-01-01T00:00:00Z. A constant, not the machine's clock, so two
 * runs of a test see the same timestamps.
 */
export const VIRTUAL_EPOCH: number = Date.UTC(2026, 0, 1)

/**
 * The embedded IM's clock: a {@link Clock} that can also be moved forward. In real-time mode
 * `advance` rejects, because real time cannot be hurried.
 */
export interface MemoryImClock extends Clock {
  /** Move time forward by `ms`, running everything that comes due on the way. */
  advance(ms: number): Promise<void>
}

type Scheduler = (callback: () => void) => unknown

/**
 * Let every pending promise reaction run. A macrotask runs only once the microtask queue is
 * empty, so waiting for one drains all microtasks, including those queued by other microtasks.
 * `setImmediate` is Node's cheapest macrotask; other runtimes fall back to `setTimeout(0)`.
 * Both are read from `globalThis` because this package compiles without Node's types.
 */
export const flushMicrotasks = (): Promise<void> => {
  const host = globalThis as { setImmediate?: Scheduler; setTimeout: (callback: () => void, ms: number) => unknown }
  const schedule: Scheduler = host.setImmediate ?? ((callback) => host.setTimeout(callback, 0))
  return new Promise((resolve) => {
    schedule(() => resolve())
  })
}

type Tick = (callback: () => void) => void

const settled = Promise.resolve()

/**
 * Node's `process.nextTick`, if this is Node: Node runs a tick queued while microtasks run only
 * once the microtask queue is empty, without a turn of the event loop. Elsewhere (a browser, or a
 * runtime whose `nextTick` may be a microtask) `undefined`.
 */
const nodeTick = ((): Tick | undefined => {
  const host = globalThis as { process?: { release?: { name?: unknown }; nextTick?: Tick }; Bun?: unknown; Deno?: unknown }
  const tick = host.process?.nextTick
  return host.process?.release?.name === 'node' && host.Bun === undefined && host.Deno === undefined && typeof tick === 'function' ? tick : undefined
})()

/**
 * Calls `next` once every microtask queued so far, and every one those queue in turn, has run.
 * On Node: a tick queued from a microtask (`hop`, made once by the caller, queues a tick for
 * `next`), so no turn of the event loop is taken. A turn per timer (a macrotask, as
 * {@link flushMicrotasks} takes) was about a third of the IM's own time in 1:1 lifecycles,
 * mostly spent polling for I/O that never comes. Elsewhere: a macrotask.
 */
const afterMicrotasks = (next: () => void, hop: () => void, step: number): void => {
  if (nodeTick === undefined || step % TIMERS_PER_TURN === 0) void flushMicrotasks().then(next)
  else void settled.then(hop)
}

/** On Node, how many timers an advance fires between turns of the event loop. */
const TIMERS_PER_TURN = 1_024

/**
 * Arm a slot of the IM's own work (see agenda.ts) on a virtual clock after `ms`, as its
 * `setTimeout` would a callback; cancel it with the clock's `clearTimeout`. Not part of the
 * clock's public face: the package's index does not export it.
 */
export let scheduleSlot: (clock: VirtualClock, slot: Slot, ms: number) => void

/**
 * A simulated clock. Timers fire only inside {@link VirtualClock.advance}: each one at its due
 * time, ties in scheduling order, and after each the microtask queue is drained, so an `await`
 * chain a timer starts has finished before the next timer runs. Timers armed while advancing
 * run too if they fall within the window.
 *
 * On Node a turn of the event loop is taken only once every {@link TIMERS_PER_TURN} timers (in
 * between, a tick queued from a microtask runs once the microtask queue is empty): real timers,
 * I/O and `setImmediate` callbacks mostly wait until the advance ends, yet a timer that keeps
 * arming itself cannot keep them (a test's own timeout, say) from running for good. Elsewhere
 * each step waits for a macrotask.
 *
 * A timer callback that throws stops the advance: the returned promise rejects with that error
 * and time stays at the failing timer's due time, so a test sees the failure where it happened.
 *
 * @example
 * ```ts
 * const clock = new VirtualClock()
 * clock.setTimeout(() => console.log('b'), 20)
 * clock.setTimeout(() => console.log('a'), 10)
 * await clock.advance(30) // logs a, then b; clock.now() === VIRTUAL_EPOCH + 30
 * ```
 */
export class VirtualClock implements MemoryImClock {
  readonly #timers = new TimerQueue()
  #now: number
  #advancing = false

  /** @param startAt - the first value of `now()`; {@link VIRTUAL_EPOCH} unless given. */
  constructor(startAt: number = VIRTUAL_EPOCH) {
    if (!Number.isFinite(startAt)) throw new TypeError(`VirtualClock: startAt must be a finite number, got ${startAt}`)
    this.#now = startAt
  }

  now(): number {
    return this.#now
  }

  /** Negative, `NaN` or missing delays count as 0, as with the runtime's `setTimeout`. */
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0
    return this.#timers.add(this.#now + delay, fn)
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.cancel(handle)
  }

  /** How many timers are armed. */
  get pendingTimers(): number {
    return this.#timers.size
  }

  /** When the next armed timer is due, if any. */
  nextTimerAt(): number | undefined {
    return this.#timers.peek()?.at
  }

  /**
   * Move time forward by `ms` (0 runs what is due now), firing every timer due on the way in
   * order and draining microtasks after each. Resolves once time is `now() + ms` and nothing
   * due is left. Advances may not overlap: that would make the order of events depend on how
   * the two callers' promises interleave.
   */
  advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) return Promise.reject(new RangeError(`VirtualClock.advance: ms must be a finite number >= 0, got ${ms}`))
    if (this.#advancing) return Promise.reject(new Error('VirtualClock.advance: an advance is already running; await it before starting another'))
    this.#advancing = true
    const target = this.#now + ms
    return new Promise<void>((resolve, reject) => {
      // One step per timer, each after the microtasks the one before started have run: a loop of
      // callbacks, which allocates less per step than a loop of awaits.
      let fired = 0
      const step = (): void => {
        try {
          const next = this.#timers.peek()
          if (next === undefined || next.at > target) {
            this.#now = target
            this.#advancing = false
            return resolve()
          }
          const slot = this.#timers.take()!
          this.#now = Math.max(this.#now, slot.at)
          slot.run()
        } catch (error) {
          this.#advancing = false
          return reject(error)
        }
        afterMicrotasks(step, hop, ++fired)
      }
      const hop = (): void => nodeTick!(step)
      void flushMicrotasks().then(step)
    })
  }

  static {
    scheduleSlot = (clock, slot, ms) => clock.#timers.insert(slot, clock.#now + (Number.isFinite(ms) && ms > 0 ? ms : 0))
  }
}
