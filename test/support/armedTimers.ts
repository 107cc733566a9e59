/**
 * A clock that records the timers armed on it: each one that has neither fired nor been cleared,
 * with the time it is due. Facade tests read it to see which timers a device holds.
 *
 * @module
 */
import type { Clock, TimerHandle } from '@beckon/core'

/** `clock`, and the due times (ms, by `clock`) of the timers armed on it and still pending. */
export const recordingTimers = (clock: Clock): { readonly clock: Clock; readonly dueTimes: () => number[] } => {
  const armed = new Map<TimerHandle, number>()
  return {
    dueTimes: () => [...armed.values()],
    clock: {
      now: () => clock.now(),
      setTimeout: (fn, ms) => {
        const handle: TimerHandle = clock.setTimeout(() => {
          armed.delete(handle)
          fn()
        }, ms)
        armed.set(handle, clock.now() + ms)
        return handle
      },
      clearTimeout: (handle) => {
        armed.delete(handle)
        clock.clearTimeout(handle)
      },
    },
  }
}
