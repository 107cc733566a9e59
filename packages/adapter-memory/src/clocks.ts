/**
 * The other clocks of the embedded IM: a real clock dressed as a {@link MemoryImClock} (for
 * real-time mode) and a device's skewed local clock (for clock-skew tests).
 *
 * @module
 */
import type { Clock, TimerHandle } from '@beckon/core'
import type { MemoryImClock } from './virtualClock.js'

/**
 * A real clock as the IM's clock. `advance` rejects: in real-time mode deliveries ride on real
 * timers, so a test waits (`await im.settle()`) instead of moving time.
 */
export const realTimeClock = (clock: Clock): MemoryImClock => ({
  now: () => clock.now(),
  setTimeout: (fn, ms) => clock.setTimeout(fn, ms),
  clearTimeout: (handle) => clock.clearTimeout(handle),
  advance: () =>
    Promise.reject(
      new Error('MemoryIm runs on a real clock, which cannot be advanced; await im.settle() or wait, or use the default virtual clock'),
    ),
})

/**
 * How far a device's local clock is off the IM server's clock.
 *
 * - `offsetMs`: how far ahead (negative: behind) the device's clock is when the IM starts;
 * - `drift`: how much faster (negative: slower) it runs, as a fraction: `0.001` gains 1 ms per
 *   second; must be greater than -1.
 */
export interface ClockSkew {
  readonly offsetMs?: number
  readonly drift?: number
}

/**
 * A device's local clock, off the IM's clock by a fixed offset and a drift:
 * `now() = origin + (imNow − origin) × (1 + drift) + offsetMs`, rounded down to a whole
 * millisecond like `Date.now()`, where `origin` is the IM's time when the IM was created.
 * Drift is measured from that origin (not from 1970) so that `offsetMs` really is the skew at
 * the start of a test rather than being swamped by decades of accumulated drift.
 * A timer of `ms` local milliseconds fires after `ms / (1 + drift)` IM milliseconds (rounded up,
 * so the local clock has always reached the deadline when it fires).
 */
export class SkewedClock implements Clock {
  readonly #base: Clock
  readonly #origin: number
  readonly #offset: number
  readonly #rate: number

  constructor(base: Clock, skew: ClockSkew, origin: number) {
    const offset = skew.offsetMs ?? 0
    const drift = skew.drift ?? 0
    if (!Number.isFinite(offset)) throw new TypeError(`clockSkew.offsetMs must be a finite number, got ${offset}`)
    if (!Number.isFinite(drift) || drift <= -1) throw new RangeError(`clockSkew.drift must be a finite number > -1, got ${drift}`)
    this.#base = base
    this.#origin = origin
    this.#offset = offset
    this.#rate = 1 + drift
  }

  now(): number {
    return Math.floor(this.#origin + (this.#base.now() - this.#origin) * this.#rate + this.#offset)
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0
    return this.#base.setTimeout(fn, Math.ceil(delay / this.#rate))
  }

  clearTimeout(handle: TimerHandle): void {
    this.#base.clearTimeout(handle)
  }
}

/** Whether two skews describe the same clock (missing fields are 0). */
export const sameSkew = (a: ClockSkew | undefined, b: ClockSkew | undefined): boolean =>
  (a?.offsetMs ?? 0) === (b?.offsetMs ?? 0) && (a?.drift ?? 0) === (b?.drift ?? 0)
