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

const hex = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'))

/**
 * An RFC 4122 version 4 UUID made of 16 random bytes: the version (4) and variant (`10`) bits are
 * set over them, as `crypto.randomUUID` does. Reads `bytes` and leaves it untouched.
 */
export const uuidFromRandomBytes = (bytes: Uint8Array): string => {
  const b = (i: number) => hex[bytes[i] ?? 0]!
  const version = hex[((bytes[6] ?? 0) & 0x0f) | 0x40]!
  const variant = hex[((bytes[8] ?? 0) & 0x3f) | 0x80]!
  return `${b(0)}${b(1)}${b(2)}${b(3)}-${b(4)}${b(5)}-${version}${b(7)}-${variant}${b(9)}-${b(10)}${b(11)}${b(12)}${b(13)}${b(14)}${b(15)}`
}

/**
 * A source of random version 4 UUIDs from `source` (the runtime's Web Crypto by default):
 * `randomUUID` where the runtime has it, else `getRandomValues` — `randomUUID` exists only in
 * secure contexts, so an `http://` page, older React Native and some mini-program runtimes have
 * only the latter.
 *
 * @throws TypeError naming `createSignaling`'s `ids` option when the runtime has neither.
 */
export const randomIdSource = (source: RandomSource | undefined = (globalThis as { crypto?: RandomSource }).crypto): (() => string) => {
  if (typeof source?.randomUUID === 'function') return source.randomUUID.bind(source)
  if (typeof source?.getRandomValues === 'function') {
    const getRandomValues = source.getRandomValues.bind(source)
    return () => uuidFromRandomBytes(getRandomValues(new Uint8Array(16)))
  }
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
