/**
 * Checks of what the app passes to the `Signaling` methods, before anything reaches the engine.
 * Each returns the first problem found, in the words of `describe.ts` (`parameter: expected …,
 * got …`), or `undefined`. The engine checks again what it must (it also serves restored and
 * received input); these checks exist to say *which* parameter is wrong, and how.
 *
 * @module
 */
import { maxTimeoutSeconds } from '../wire/envelope.js'
import { expected, isRecord, strayKey, unknownKey } from './describe.js'
import type { SignalingListener } from './types.js'

const maxIdLength = 256
const anId = `a non-empty string of at most ${maxIdLength} characters`

const isId = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length <= maxIdLength

/** The invite options, in the order the messages list them. */
const inviteOptionKeys = ['timeout', 'onlineUserOnly', 'offlinePushInfo', 'audience'] as const

/** `SignalingListener`'s callbacks, in the order the messages list them. */
export const signalingCallbacks = [
  'onReceiveNewInvitation',
  'onInviteeAccepted',
  'onInviteeRejected',
  'onInvitationCancelled',
  'onInvitationTimeout',
  'onInvitationModified',
] as const satisfies readonly (keyof SignalingListener)[]

const pushTextKeys = ['title', 'description', 'extension'] as const

const offlinePushProblem = (push: unknown): string | undefined => {
  const name = 'options.offlinePushInfo'
  if (!isRecord(push)) return expected(name, 'an object with title, description, extension, disablePush (or nothing)', push)
  for (const key of pushTextKeys) {
    if (push[key] !== undefined && typeof push[key] !== 'string') return expected(`${name}.${key}`, 'a string', push[key])
  }
  if (push.disablePush !== undefined && typeof push.disablePush !== 'boolean') return expected(`${name}.disablePush`, 'true or false', push.disablePush)
  // Other keys are passed on untouched: Tencent's SDKs carry vendor-specific push fields there.
  return undefined
}

const optionsProblem = (options: unknown): string | undefined => {
  if (options === undefined) return undefined
  if (!isRecord(options)) return expected('options', 'an object of invite options (or nothing)', options)
  const stray = strayKey(options, inviteOptionKeys)
  if (stray !== undefined) return unknownKey('options', stray, 'an invite option', inviteOptionKeys)
  const { timeout, onlineUserOnly, offlinePushInfo, audience } = options
  if (timeout !== undefined && !(typeof timeout === 'number' && timeout >= 0 && timeout <= maxTimeoutSeconds)) {
    return expected('options.timeout', `a number of seconds from 0 to ${maxTimeoutSeconds}`, timeout)
  }
  if (onlineUserOnly !== undefined && typeof onlineUserOnly !== 'boolean') return expected('options.onlineUserOnly', 'true or false', onlineUserOnly)
  if (offlinePushInfo !== undefined) return offlinePushProblem(offlinePushInfo)
  if (audience !== undefined && audience !== 'all' && audience !== 'inviter') return expected('options.audience', '"all" or "inviter"', audience)
  return undefined
}

const dataProblem = (data: unknown, required: boolean): string | undefined => {
  if (typeof data === 'string' || (data === undefined && !required)) return undefined
  return expected('data', required ? 'a string' : 'a string (or nothing)', data)
}

const inviteeProblem = (name: string, invitee: unknown, self: string): string | undefined => {
  if (!isId(invitee)) return expected(name, `a user ID (${anId})`, invitee)
  if (invitee === self) return expected(name, `another user than this device's own (${self})`, invitee)
  return undefined
}

/** `invite(invitee, data?, options?)`. */
export const inviteProblem = (self: string, invitee: unknown, data: unknown, options: unknown): string | undefined =>
  inviteeProblem('invitee', invitee, self) ?? dataProblem(data, false) ?? optionsProblem(options)

const inviteeListProblem = (inviteeList: unknown, self: string): string | undefined => {
  if (!Array.isArray(inviteeList) || inviteeList.length === 0) return expected('inviteeList', 'a non-empty array of user IDs', inviteeList)
  for (const [i, invitee] of inviteeList.entries()) {
    const problem = inviteeProblem(`inviteeList[${i}]`, invitee, self)
    if (problem !== undefined) return problem
  }
  return undefined
}

/** `inviteInGroup(groupID, inviteeList, data?, options?)`. */
export const groupInviteProblem = (self: string, groupID: unknown, inviteeList: unknown, data: unknown, options: unknown): string | undefined =>
  (isId(groupID) ? undefined : expected('groupID', `a group ID (${anId})`, groupID)) ??
  inviteeListProblem(inviteeList, self) ??
  dataProblem(data, false) ??
  optionsProblem(options)

/** `cancel`, `accept`, `reject` (`data` optional) and `modifyInvitation` (`data` required). */
export const answerProblem = (inviteID: unknown, data: unknown, dataRequired: boolean): string | undefined =>
  (isId(inviteID) ? undefined : expected('inviteID', 'an invitation ID (what invite() resolved with)', inviteID)) ?? dataProblem(data, dataRequired)

/** `addSignalingListener(listener)`: an object whose `on…` members are known callbacks. */
export const listenerProblem = (listener: unknown): string | undefined => {
  if (!isRecord(listener)) return expected('listener', `an object of callbacks (${signalingCallbacks.join(', ')})`, listener)
  for (const key of Object.keys(listener)) {
    // Only `on…` keys are read as callbacks: an app may keep its own state on the same object.
    if (!(signalingCallbacks as readonly string[]).includes(key)) {
      if (/^on[A-Z]/.test(key)) return unknownKey('listener', key, 'a signaling callback', signalingCallbacks)
      continue
    }
    if (listener[key] !== undefined && typeof listener[key] !== 'function') return expected(`listener.${key}`, 'a function', listener[key])
  }
  return undefined
}

/** A listener that must be a function (`addDiagnosticListener`, `addStateChangeListener`, `subscribe`). */
export const functionProblem = (name: string, value: unknown): string | undefined => (typeof value === 'function' ? undefined : expected(name, 'a function', value))
