/**
 * Refuses Tencent Web SDK habits on beckon's native facade. Apps migrating from
 * `@tencentcloud/chat` call `invite({ userID })`, `cancel({ inviteID })` and
 * `addSignalingListener(TSignaling.NEW_INVITATION_RECEIVED, handler)`; on the native facade the
 * first fail with a confusing code and the last is accepted and never called. Each such call is a
 * programmer error, so it throws a `TypeError` at once that says it is Tencent Web's shape and
 * spells out the native call, with the caller's own values where it can.
 *
 * Also gives the native facade `removeSignalingListener(listener)`, the counterpart Tencent's
 * native SDKs have, so a listener can be removed without keeping the unsubscribe function.
 *
 * @module
 */
import { signalingCallbacks } from './arguments.js'
import { preview } from './describe.js'
import { isTSignalingEventName, tSignalingKeyOf, type TSignalingEventKey } from '../tencentWeb/events.js'
import type { Signaling, SignalingListener } from './types.js'

const pointer = 'For the Tencent Web shape, use createTencentWebSignaling().'

/** The native listener member, with its arguments, that stands for each Tencent Web event. */
const callbackFor: Record<TSignalingEventKey, string> = {
  NEW_INVITATION_RECEIVED: 'onReceiveNewInvitation(inviteID, inviter, groupID, inviteeList, data)',
  INVITEE_ACCEPTED: 'onInviteeAccepted(inviteID, invitee, data)',
  INVITEE_REJECTED: 'onInviteeRejected(inviteID, invitee, data)',
  INVITATION_CANCELLED: 'onInvitationCancelled(inviteID, inviter, data, inviteeList)',
  INVITATION_TIMEOUT: 'onInvitationTimeout(inviteID, inviteeList)',
  INVITATION_MODIFIED: 'onInvitationModified(inviteID, data)',
}

const listenerShape = `{ ${signalingCallbacks.map((name) => `${name}?`).join(', ')} }`

const isOptionsObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** `{ timeout: 30, onlineUserOnly: true }` from a Tencent Web options object, `timeout: 0` when it gave none. */
const nativeOptionsOf = (options: Record<string, unknown>): string => {
  const keys = ['onlineUserOnly', 'offlinePushInfo'].filter((key) => options[key] !== undefined)
  const parts = [`timeout: ${preview(options['timeout'] ?? 0)}`, ...keys.map((key) => `${key}: ${preview(options[key])}`)]
  return `{ ${parts.join(', ')} }`
}

/** Said when the caller leaned on Tencent Web's default timeout, which beckon's does not share. */
const defaultsNote = (options: Record<string, unknown>): string =>
  options['timeout'] === undefined ? " (Tencent Web's default timeout is 0, none; beckon's is 30 s)" : ''

/** The `TypeError` for `method(options)` in Tencent Web's shape. */
const optionsCall = (method: string, options: Record<string, unknown>): TypeError | undefined => {
  const data = preview(options['data'])
  switch (method) {
    case 'invite':
      return new TypeError(
        `invite({ userID, … }) is the Tencent Web SDK's shape. beckon's native facade takes invite(invitee, data?, { timeout?, onlineUserOnly?, offlinePushInfo? }) and resolves with the inviteID itself: here invite(${preview(options['userID'])}, ${data}, ${nativeOptionsOf(options)})${defaultsNote(options)}. ${pointer}`,
      )
    case 'inviteInGroup':
      return new TypeError(
        `inviteInGroup({ groupID, inviteeList, … }) is the Tencent Web SDK's shape. beckon's native facade takes inviteInGroup(groupID, inviteeList, data?, { timeout?, onlineUserOnly?, offlinePushInfo? }) and resolves with the inviteID itself: here inviteInGroup(${preview(options['groupID'])}, ${preview(options['inviteeList'])}, ${data}, ${nativeOptionsOf(options)})${defaultsNote(options)}. ${pointer}`,
      )
    default:
      return new TypeError(
        `${method}({ inviteID, … }) is the Tencent Web SDK's shape. beckon's native facade takes ${method}(inviteID, ${method === 'modifyInvitation' ? 'data' : 'data?'}): here ${method}(${preview(options['inviteID'])}, ${data}). ${pointer}`,
      )
  }
}

/** The `TypeError` for a listener that the native facade would never call, if `listener` is one. */
const listenerMistake = (call: 'addSignalingListener' | 'removeSignalingListener', listener: unknown): TypeError | undefined => {
  if (typeof listener === 'string' && (isTSignalingEventName(listener) || tSignalingKeyOf(listener) !== undefined)) {
    const key = tSignalingKeyOf(listener)!
    return new TypeError(
      call === 'addSignalingListener'
        ? `addSignalingListener(${preview(listener)}, handler) is the Tencent Web SDK's shape. beckon's native facade takes one listener object and calls its members with positional arguments: here addSignalingListener({ ${callbackFor[key]} { … } }), which returns the function that removes it. ${pointer}`
        : `removeSignalingListener(${preview(listener)}, handler) is the Tencent Web SDK's shape. beckon's native facade removes a listener object: call the function addSignalingListener(listener) returned, or removeSignalingListener(listener). ${pointer}`,
    )
  }
  if (!isOptionsObject(listener)) return new TypeError(`${call} takes one listener object ${listenerShape}, got ${preview(listener)}`)
  const tencentKey = Object.keys(listener).find((name) => tSignalingKeyOf(name) !== undefined)
  if (tencentKey === undefined) return undefined
  return new TypeError(
    `${call}: ${preview(tencentKey)} is a Tencent Web event name, which beckon's listener never calls; name the member ${callbackFor[tSignalingKeyOf(tencentKey)!]} instead.`,
  )
}

/** The options-object methods that Tencent Web and the native facade share by name. */
const optionMethods = ['invite', 'inviteInGroup', 'cancel', 'accept', 'reject', 'modifyInvitation'] as const

/**
 * Makes `signaling` refuse Tencent Web's call shapes (see the module comment) and gives it
 * `removeSignalingListener(listener)`. Changes the object in place, so any accessor on it keeps
 * working, and returns it.
 */
export const refuseTencentWebShape = (signaling: Omit<Signaling, 'removeSignalingListener'>): Signaling => {
  const target = signaling as Signaling
  for (const method of optionMethods) {
    const native = target[method] as (a: unknown, b: unknown, c: unknown, d: unknown) => Promise<unknown>
    // Four parameters, as many as the longest of these methods takes, rather than a rest array
    // and a spread per call: every invitation's calls come through here.
    Object.assign(target, {
      [method]: (first: unknown, b: unknown, c: unknown, d: unknown) => {
        if (isOptionsObject(first)) throw optionsCall(method, first)
        return native(first, b, c, d)
      },
    })
  }
  const unsubscribers = new Map<SignalingListener, () => void>()
  const add = target.addSignalingListener
  return Object.assign(target, {
    addSignalingListener: (listener: SignalingListener) => {
      const mistake = listenerMistake('addSignalingListener', listener)
      if (mistake !== undefined) throw mistake
      const unsubscribe = add(listener)
      const remove = () => {
        unsubscribers.delete(listener)
        unsubscribe()
      }
      unsubscribers.set(listener, remove)
      return remove
    },
    removeSignalingListener: (listener: SignalingListener) => {
      if (typeof listener === 'string') throw listenerMistake('removeSignalingListener', listener)!
      unsubscribers.get(listener)?.()
    },
  })
}
