/**
 * Reading what an app hands to `addInvitedSignaling`. It comes from the app, often from a push
 * payload the app parsed itself, so it can be any value at all: a BigInt, an object that contains
 * itself, a getter or a proxy that throws. Each field of Tencent's `V2TIMSignalingInfo` is read
 * once, guarded, and checked; what is wrong is said as `field: expected …, got …`, so the caller's
 * promise fails with a reason it can act on instead of an exception thrown out of the call.
 * Other keys are ignored; `null` for an optional field reads as the field being absent (SPEC §8).
 *
 * @module
 */
import type { Either } from 'fp-ts/lib/Either.js'
import * as E from '#fp-ts/Either.js'
import { ActionType, Envelope, maxTimeoutSeconds } from '../wire/envelope.js'
import { preview } from './describe.js'

/** An info that passed: the invite's envelope, and its server time when the info carried one. */
export interface ReadInfo {
  readonly envelope: Envelope
  readonly serverTime?: number
}

const maxIdLength = 256
const anId = `a non-empty id of at most ${maxIdLength} characters`

const why = (error: unknown): string => (error instanceof Error ? error.message : preview(error))

class Problem {
  constructor(readonly text: string) {}
}

const expected = (field: string, what: string, value: unknown): Problem => new Problem(`${field}: expected ${what}, got ${preview(value)}`)

/** Reads `info[key]`; a getter or proxy that throws is the field's problem. */
const field = (info: object, key: string): unknown => {
  try {
    return (info as Record<string, unknown>)[key]
  } catch (error) {
    throw new Problem(`${key}: reading it threw ${why(error)}`)
  }
}

const isId = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length <= maxIdLength

const id = (info: object, key: string): string => {
  const value = field(info, key)
  if (!isId(value)) throw expected(key, anId, value)
  return value
}

/** An optional field: `undefined` when absent or `null`. */
const optional = <T>(info: object, key: string, is: (value: unknown) => value is T, what: string): T | undefined => {
  const value = field(info, key)
  if (value === undefined || value === null) return undefined
  if (!is(value)) throw expected(key, what, value)
  return value
}

const inviteeList = (info: object): string[] => {
  const value = field(info, 'inviteeList')
  if (!Array.isArray(value) || value.length === 0) throw expected('inviteeList', `a non-empty list of ids`, value)
  const list: string[] = []
  for (let i = 0; i < value.length; i++) {
    const invitee: unknown = field(value, String(i))
    if (!isId(invitee)) throw expected(`inviteeList[${i}]`, anId, invitee)
    list.push(invitee)
  }
  return list
}

const isString = (value: unknown): value is string => typeof value === 'string'
const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean'
const isSeconds = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= maxTimeoutSeconds
const isServerTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value)

const read = (info: unknown): ReadInfo => {
  if (typeof info !== 'object' || info === null || Array.isArray(info)) throw expected('info', 'a signaling info object', info)
  const businessID = field(info, 'businessID')
  if (businessID !== 1) throw expected('businessID', '1', businessID)
  const actionType = field(info, 'actionType')
  if (actionType !== ActionType.invite) throw expected('actionType', `${ActionType.invite} (an invite)`, actionType)
  const wire = {
    businessID,
    actionType,
    inviteID: id(info, 'inviteID'),
    inviter: id(info, 'inviter'),
    inviteeList: inviteeList(info),
    groupID: optional(info, 'groupID', isString, "a group id ('' for 1:1)"),
    data: optional(info, 'data', isString, 'a string'),
    timeout: optional(info, 'timeout', isSeconds, `a number of seconds from 0 to ${maxTimeoutSeconds}`),
    onlineUserOnly: optional(info, 'onlineUserOnly', isBoolean, 'true or false'),
  }
  const serverTime = optional(info, 'serverTime', isServerTime, 'a server time in milliseconds')
  const defined = Object.fromEntries(Object.entries(wire).filter(([, value]) => value !== undefined))
  const decoded = Envelope.decode(defined)
  if (E.isLeft(decoded)) throw new Problem('info: not a signaling invite')
  return serverTime === undefined ? { envelope: decoded.right } : { envelope: decoded.right, serverTime }
}

/**
 * Reads an info given to `addInvitedSignaling`. Never throws: whatever `info` is, the result is
 * the invite it describes or the first problem found, in words.
 *
 * @example
 * ```ts
 * readSignalingInfo({ businessID: 1, inviteID: 'x', inviter: 'alice', inviteeList: ['bob'], actionType: 1, timeout: 30n })
 * // left('timeout: expected a number of seconds from 0 to 2147483, got 30n')
 * ```
 */
export const readSignalingInfo = (info: unknown): Either<string, ReadInfo> => {
  try {
    return E.right(read(info))
  } catch (error) {
    return E.left(error instanceof Problem ? error.text : `info: reading it threw ${why(error)}`)
  }
}
