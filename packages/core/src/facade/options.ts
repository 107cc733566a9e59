/**
 * Checks of `createSignaling`'s options. A wrong option is a programmer error, found on the first
 * run, so it throws a `TypeError` at construction — naming the option, what was expected and what
 * was given — rather than failing later somewhere that does not point back at it (a transport
 * without `userID` used to surface as "cannot read properties of undefined (reading 'clock')").
 *
 * @module
 */
import { defaultLimits, type Limits } from '../engine/state.js'
import { expected, isRecord, strayKey, unknownKey } from './describe.js'
import type { SignalingOptions } from './types.js'

const optionKeys = ['transport', 'clock', 'ids', 'inspect', 'restore', 'limits', 'onListenerError'] as const satisfies readonly (keyof SignalingOptions)[]
const limitKeys = Object.keys(defaultLimits) as (keyof Limits)[]

/** The members every `ImTransport` has (the optional ones are checked where they are used). */
const transportFunctions = ['send', 'replace', 'onMessage', 'onConnectionChange', 'getGroupMembers', 'serverNow'] as const
const clockFunctions = ['now', 'setTimeout', 'clearTimeout'] as const

const fail = (problem: string): never => {
  throw new TypeError(`createSignaling: ${problem}`)
}

const checkTransport = (transport: unknown): void => {
  if (!isRecord(transport)) fail(expected('options.transport', "an ImTransport (e.g. new MemoryIm().connect('alice') or an XmppTransport)", transport))
  const t = transport as Record<string, unknown>
  for (const key of ['userID', 'deviceID'] as const) {
    if (typeof t[key] !== 'string' || t[key] === '') fail(expected(`options.transport.${key}`, 'a non-empty string', t[key]))
  }
  for (const key of transportFunctions) {
    if (typeof t[key] !== 'function') fail(expected(`options.transport.${key}`, "a function (an ImTransport's)", t[key]))
  }
}

const checkClock = (clock: unknown): void => {
  if (clock === undefined) return
  if (typeof clock !== 'object' && typeof clock !== 'function') fail(expected('options.clock', 'a Clock (now, setTimeout, clearTimeout)', clock))
  const c = clock as Record<string, unknown>
  for (const key of clockFunctions) {
    if (typeof c[key] !== 'function') fail(expected(`options.clock.${key}`, "a function (a Clock's)", c[key]))
  }
}

/** The limits in force: the defaults, overridden by the app's, each checked. */
export const limitsOf = (limits: unknown): Limits => {
  if (limits === undefined) return defaultLimits
  if (!isRecord(limits)) return fail(expected('options.limits', 'an object of limits', limits))
  const stray = strayKey(limits, limitKeys)
  if (stray !== undefined) fail(unknownKey('options.limits', stray, 'a limit', limitKeys))
  for (const [key, value] of Object.entries(limits)) {
    if (value === undefined) continue
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) fail(expected(`options.limits.${key}`, 'a positive integer', value))
  }
  return { ...defaultLimits, ...(limits as Partial<Limits>) }
}

/**
 * Checks `createSignaling`'s options, except `inspect` (read where it is used) and the inside of
 * `restore` (read by `restoreState`).
 *
 * @throws TypeError naming the option, what was expected and what was given.
 */
export function checkOptions(options: unknown): asserts options is SignalingOptions {
  if (!isRecord(options)) fail(expected('options', 'an object with at least a transport', options))
  const o = options as Record<string, unknown>
  const stray = strayKey(o, optionKeys)
  if (stray !== undefined) fail(unknownKey('options', stray, 'an option', optionKeys))
  checkTransport(o.transport)
  checkClock(o.clock)
  if (o.ids !== undefined && typeof o.ids !== 'function') fail(expected('options.ids', 'a function returning a new unique string at each call', o.ids))
  if (o.onListenerError !== undefined && typeof o.onListenerError !== 'function') fail(expected('options.onListenerError', 'a function', o.onListenerError))
  if (o.restore !== undefined && !isRecord(o.restore)) fail(expected('options.restore', 'what snapshot() returned', o.restore))
}
