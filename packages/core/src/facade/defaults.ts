/**
 * The one place where real time and randomness enter beckon: the defaults `createSignaling` uses
 * when it is given no `clock` or `ids`. The engine never reads either; see the lint rule in
 * `eslint.config.js`.
 *
 * @module
 */
import type { Clock } from '../ports.js'

/** Real time: `Date.now` and the runtime's timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

/** Random RFC 4122 version 4 UUIDs from the runtime's Web Crypto. */
export const randomUUIDs = (): string => crypto.randomUUID()
