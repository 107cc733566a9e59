/**
 * What `createSignaling({ inspect })` takes, read the way XState reads `createActor({ inspect })`:
 * an observer object or a function receiving XState inspection events, or an inspector from
 * `@statelyai/inspect` (an object whose `inspect` member is such an observer). A value of any
 * other shape is a programmer error, said at once: silently watching nothing would look like an
 * app with no invitations.
 *
 * @module
 */
import type { InspectionEvent, Observer } from 'xstate'

/** An observer or a function, as `createActor({ inspect })` takes it. */
export type InspectionObserver = Observer<InspectionEvent> | ((event: InspectionEvent) => void)

/** An inspector from `@statelyai/inspect` (`createBrowserInspector()`, `createWebSocketInspector()`, …). */
export interface InspectorLike {
  readonly inspect: InspectionObserver
}

/** Everything `createSignaling({ inspect })` accepts. */
export type InspectOption = InspectionObserver | InspectorLike

/** Where inspection events go once the option is read. */
export type InspectionSink = (event: InspectionEvent) => void

const expected =
  'an observer ({ next(event) }), a function (event) => void, or an inspector from @statelyai/inspect (an object with an `inspect` member)'

const describe = (value: unknown): string => {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value !== 'object') return `${typeof value} ${String(value).slice(0, 40)}`
  const keys = Object.keys(value)
  return keys.length === 0 ? 'an object with no members' : `an object with members ${keys.slice(0, 6).join(', ')}`
}

const isObserver = (value: unknown): value is Observer<InspectionEvent> =>
  typeof value === 'object' &&
  value !== null &&
  ['next', 'error', 'complete'].some((key) => typeof (value as Record<string, unknown>)[key] === 'function')

const sinkOf = (observer: unknown): InspectionSink | undefined => {
  if (typeof observer === 'function') return observer as InspectionSink
  if (!isObserver(observer)) return undefined
  // Bound lazily: an inspector may swap its `next` (the WebSocket one does not, but nothing says so).
  return (event) => observer.next?.(event)
}

/**
 * Reads the `inspect` option into one function that takes every inspection event.
 *
 * @throws TypeError naming the option, what it accepts and what it was given.
 */
export const inspectionSinkOf = (option: unknown): InspectionSink => {
  const direct = sinkOf(option)
  if (direct !== undefined) return direct
  if (typeof option === 'object' && option !== null && 'inspect' in option) {
    const inner = sinkOf(option.inspect)
    if (inner !== undefined) return inner
    throw new TypeError(`createSignaling: \`inspect\` must be ${expected}; got an object whose \`inspect\` member is ${describe(option.inspect)}`)
  }
  throw new TypeError(`createSignaling: \`inspect\` must be ${expected}; got ${describe(option)}`)
}
