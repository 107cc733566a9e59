/**
 * The one place where the platform enters beckon: the defaults `createSignaling` uses when it is
 * given no `clock`, `ids` or `onListenerError` — real time, random ids and the runtime's way of
 * reporting an error nobody caught. The engine never reads any of them; see the lint rule in
 * `eslint.config.js`.
 *
 * @module
 */
import type { Clock } from '../ports.js'
import type { SignalingListener } from './types.js'

/** Real time: `Date.now` and the runtime's timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

// -------------------------------------------------------------------------------------------------
// Random ids
// -------------------------------------------------------------------------------------------------

/** The part of Web Crypto random ids need; either member may be missing in a given runtime. */
export interface RandomSource {
  readonly randomUUID?: () => string
  readonly getRandomValues?: (array: Uint8Array) => Uint8Array
}

/** The character codes of one UUID being written; the dashes stay where they are. */
const codes: number[] = Array.from({ length: 36 }, () => 0x2d)
const hexDigit = (n: number): number => (n < 10 ? 0x30 + n : 0x57 + n)

/** The UUID of the 16 bytes of `bytes` from `at`, with the version and variant bits set over them. */
const uuidAt = (bytes: Uint8Array, at: number): string => {
  for (let i = 0, place = 0; i < 16; i++, place += 2) {
    if (i === 4 || i === 6 || i === 8 || i === 10) place++ // a dash before bytes 4, 6, 8 and 10
    const byte = bytes[at + i] ?? 0
    const digits = i === 6 ? (byte & 0x0f) | 0x40 : i === 8 ? (byte & 0x3f) | 0x80 : byte
    codes[place] = hexDigit(digits >> 4)
    codes[place + 1] = hexDigit(digits & 0x0f)
  }
  // One string of 36 characters, rather than the chain of concatenations of a string per byte
  // that Node's randomUUID builds: ~700 bytes of garbage per id, three ids per 1:1 lifecycle.
  return String.fromCharCode.apply(null, codes)
}

/**
 * An RFC 4122 version 4 UUID made of 16 random bytes: the version (4) and variant (`10`) bits are
 * set over them, as `crypto.randomUUID` does. Reads `bytes` and leaves it untouched.
 */
export const uuidFromRandomBytes = (bytes: Uint8Array): string => uuidAt(bytes, 0)

/**
 * Ids drawn per call of `getRandomValues`, 16 KB of random bytes (a quarter of the most one call
 * may fill). Node's costs ~9 µs a call whatever it fills: at 16 ids a draw it was 3 % of a 1:1
 * lifecycle through the facade, and at 128 ids about 1 %.
 */
const idsPerDraw = 1024

let lastSource: RandomSource | undefined
let lastIds: (() => string) | undefined

/**
 * A source of random version 4 UUIDs from `source` (the runtime's Web Crypto by default), the
 * same one for the same source: made of `getRandomValues`, drawn for {@link idsPerDraw} ids at a
 * time, where the runtime has it (every runtime with `randomUUID` has it too, and an `http://`
 * page has only it); else `randomUUID`.
 * Node's `randomUUID` makes twelve times the garbage of the one string written here, measured,
 * at about the same speed. Every id takes 122 fresh random bits either way.
 *
 * @throws TypeError naming `createSignaling`'s `ids` option when the runtime has neither.
 */
export const randomIdSource = (source: RandomSource | undefined = (globalThis as { crypto?: RandomSource }).crypto): (() => string) => {
  // One batch for every instance of a process: their ids come from the same source anyway.
  if (source === undefined || source !== lastSource) {
    lastIds = idSourceOf(source) // throws before anything is remembered
    lastSource = source
  }
  return lastIds!
}

const idSourceOf = (source: RandomSource | undefined): (() => string) => {
  if (typeof source?.getRandomValues === 'function') {
    const getRandomValues = source.getRandomValues.bind(source)
    const pool = new Uint8Array(16 * idsPerDraw)
    let at = pool.length
    return () => {
      if (at === pool.length) {
        getRandomValues(pool)
        at = 0
      }
      at += 16
      return uuidAt(pool, at - 16)
    }
  }
  if (typeof source?.randomUUID === 'function') return source.randomUUID.bind(source)
  throw new TypeError(
    'createSignaling: no source of random ids: this runtime has neither crypto.randomUUID nor crypto.getRandomValues. ' +
      'Pass the ids option, a function returning a new unique string at each call (e.g. createSignaling({ transport, ids: () => uuid() }) ' +
      'with a UUID library that has a random source for this runtime).',
  )
}

/**
 * Random RFC 4122 version 4 UUIDs from the runtime's Web Crypto (see {@link randomIdSource}).
 *
 * @throws TypeError naming `createSignaling`'s `ids` option when the runtime has no Web Crypto.
 */
export const randomUUIDs = (): string => randomIdSource()()

// -------------------------------------------------------------------------------------------------
// Errors thrown by the app's listeners
// -------------------------------------------------------------------------------------------------

/** Which of the app's listeners threw: a `SignalingListener` callback, or another kind. */
export interface ListenerErrorContext {
  /**
   * The callback that threw: a `SignalingListener` member (`'onReceiveNewInvitation'`, …),
   * `'stateChange'` (`addStateChangeListener` and `subscribe`), `'diagnostic'`
   * (`addDiagnosticListener`) or `'inspect'` (the `inspect` option's observer).
   */
  readonly listener: keyof SignalingListener | 'stateChange' | 'diagnostic' | 'inspect'
  /** The invitation the callback was about, when it was about one. */
  readonly inviteID?: string
}

const describeContext = (context: ListenerErrorContext): string =>
  `beckon: the app's ${context.listener} listener threw${context.inviteID === undefined ? '' : ` (invitation ${context.inviteID})`}; beckon went on without it.`

/**
 * Reports an error thrown by one of the app's listeners the way the runtime reports an error
 * nobody caught: `reportError` where it exists (browsers, Deno, Bun: the global `error` event and
 * the console), else `console.error` with the error, whose stack it prints (Node).
 */
export const reportListenerError = (error: unknown, context: ListenerErrorContext): void => {
  const { reportError } = globalThis as { reportError?: (error: unknown) => void }
  if (typeof reportError === 'function') reportError(error)
  else console.error(describeContext(context), error)
}
