/**
 * The Tencent-Web-shaped facade: the methods, option objects, event names, event objects, results
 * and error codes of Tencent's Web SDK signaling (`@tencentcloud/chat`), over beckon's engine
 * through its native facade. A device using it and a device using the native facade are the same
 * to each other: only the shape of the API differs.
 *
 * One behaviour differs from the native facade by default, on purpose: an invitation whose options
 * give no `timeout` never times out (Tencent Web's default, `0`), where the native facade gives it
 * 30 s. Set `defaultTimeout: 30` to keep beckon's.
 *
 * @module
 */
import { SignalingError } from '../errors.js'
import { createSignaling } from '../facade/createSignaling.js'
import type { InviteOptions, Signaling } from '../facade/types.js'
import { preview } from '../facade/describe.js'
import { optionsOf, requiredList, requiredString } from './arguments.js'
import { createDispatcher } from './dispatch.js'
import { asTencentWebError, type TencentWebOperation } from './errors.js'
import { isTSignalingEventName, tSignalingEventNames, tSignalingKeyOf, type TSignalingEventName } from './events.js'
import type { TencentWebFacadeOptions, TencentWebResponse, TencentWebSignaling, TencentWebSignalingOptions } from './types.js'

/** Tencent Web's default `timeout`: none. */
const tencentWebDefaultTimeout = 0

/** The event name a listener call names, or a `TypeError` for anything else (a silently dead listener is the bug this prevents). */
const eventNameOf = (call: string, eventName: unknown, handler: unknown): TSignalingEventName => {
  if (typeof eventName === 'object' && eventName !== null) {
    throw new TypeError(`${call}(listener) is beckon's native shape; this facade takes ${call}(TSignaling.NEW_INVITATION_RECEIVED, handler) — or call it on \`.native\`.`)
  }
  if (!isTSignalingEventName(eventName)) {
    const key = tSignalingKeyOf(eventName)
    const hint = key === undefined ? '' : ` — ${preview(eventName)} is the constant's name; its value is TSignaling.${key}`
    throw new TypeError(`${call}: eventName must be one of TSignaling's event names (${tSignalingEventNames.join(', ')}), got ${preview(eventName)}${hint}`)
  }
  if (typeof handler !== 'function') throw new TypeError(`${call}(${preview(eventName)}, handler): handler must be a function, got ${preview(handler)}`)
  return eventName
}

/** The native invite options for a Tencent Web options object. */
const inviteOptionsOf = (options: Record<string, unknown>, defaultTimeout: number): InviteOptions => ({
  timeout: (options['timeout'] as number | undefined) ?? defaultTimeout,
  ...(options['onlineUserOnly'] === undefined ? {} : { onlineUserOnly: options['onlineUserOnly'] as boolean }),
  ...(options['offlinePushInfo'] === undefined ? {} : { offlinePushInfo: options['offlinePushInfo'] as NonNullable<InviteOptions['offlinePushInfo']> }),
})

const dataOf = (options: Record<string, unknown>): string | undefined => options['data'] as string | undefined

/**
 * Puts the Tencent Web shape on a native facade. The native facade keeps working alongside (it is
 * `.native`); both see the same invitations. The Tencent Web facade listens to the native one for
 * as long as the native one lives (until its `close()`).
 *
 * @example
 * ```ts
 * const chat = tencentWebFacade(createSignaling({ transport }))
 * chat.addSignalingListener(TSignaling.NEW_INVITATION_RECEIVED, ({ data }) => void chat.accept({ inviteID: data.inviteID }))
 * ```
 */
export const tencentWebFacade = (signaling: Signaling, options: TencentWebFacadeOptions = {}): TencentWebSignaling => {
  const defaultTimeout = options.defaultTimeout ?? tencentWebDefaultTimeout
  const { userID, deviceID } = signaling
  const dispatcher = createDispatcher({
    userID,
    deviceID,
    getInvitation: (inviteID) => signaling.getInvitation(inviteID),
    observeGroupInvitations: options.observeGroupInvitations ?? false,
  })
  signaling.addSignalingListener(dispatcher.listener)

  /** Runs a native call and reads its outcome in Tencent Web's shape. */
  const respond = (operation: TencentWebOperation, inviteID: string | undefined, call: () => Promise<string | void>): Promise<TencentWebResponse> =>
    call().then(
      (result) => {
        const id = typeof result === 'string' ? result : (inviteID ?? '')
        return { code: 0, inviteID: id, data: { inviteID: id } }
      },
      (error: unknown) => {
        throw asTencentWebError(error, { operation, userID, invitation: inviteID === undefined ? undefined : signaling.getInvitation(inviteID) })
      },
    )

  /** A call whose options name an invitation: `cancel`, `accept`, `reject`, `modifyInvitation`. */
  const handle = (operation: 'cancel' | 'accept' | 'reject' | 'modifyInvitation', args: readonly unknown[]): Promise<TencentWebResponse> => {
    const options = optionsOf(operation, args)
    const inviteID = requiredString(operation, options, 'inviteID')
    if (inviteID instanceof SignalingError) return respond(operation, undefined, () => Promise.reject(inviteID))
    return respond(operation, inviteID, () => signaling[operation](inviteID, dataOf(options) as string))
  }

  return {
    userID,
    deviceID,
    invite: (...args: readonly unknown[]) => {
      const options = optionsOf('invite', args)
      const invitee = requiredString('invite', options, 'userID')
      if (invitee instanceof SignalingError) return respond('invite', undefined, () => Promise.reject(invitee))
      return respond('invite', undefined, () => signaling.invite(invitee, dataOf(options), inviteOptionsOf(options, defaultTimeout)))
    },
    inviteInGroup: (...args: readonly unknown[]) => {
      const options = optionsOf('inviteInGroup', args)
      const groupID = requiredString('inviteInGroup', options, 'groupID')
      const inviteeList = requiredList('inviteInGroup', options, 'inviteeList')
      const bad = [groupID, inviteeList].find((v) => v instanceof SignalingError)
      if (bad !== undefined) return respond('inviteInGroup', undefined, () => Promise.reject(bad))
      return respond('inviteInGroup', undefined, () => signaling.inviteInGroup(groupID as string, inviteeList as readonly string[], dataOf(options), inviteOptionsOf(options, defaultTimeout)))
    },
    cancel: (...args: readonly unknown[]) => handle('cancel', args),
    accept: (...args: readonly unknown[]) => handle('accept', args),
    reject: (...args: readonly unknown[]) => handle('reject', args),
    modifyInvitation: (...args: readonly unknown[]) => handle('modifyInvitation', args),
    getSignalingInfo: (message) => {
      const payload = typeof message === 'object' && message !== null && typeof message.payload === 'object' && message.payload !== null ? message.payload.data : message
      return signaling.getSignalingInfo(payload as string | { readonly payload: string })
    },
    addSignalingListener: (eventName: unknown, handler: unknown, context?: unknown) =>
      dispatcher.add(eventNameOf('addSignalingListener', eventName, handler), handler as never, context),
    removeSignalingListener: (eventName: unknown, handler: unknown, context?: unknown) =>
      dispatcher.remove(eventNameOf('removeSignalingListener', eventName, handler), handler as never, context),
    native: signaling,
  } as TencentWebSignaling
}

/**
 * Creates the signaling API of one device in the shape of Tencent's Web SDK, over an IM transport.
 * Takes `createSignaling`'s options plus `defaultTimeout` (default `0`, Tencent Web's) and
 * `observeGroupInvitations` (default `false`).
 *
 * @example
 * ```ts
 * const im = new MemoryIm()
 * const alice = createTencentWebSignaling({ transport: im.connect('alice') })
 * const bob = createTencentWebSignaling({ transport: im.connect('bob') })
 * bob.addSignalingListener(TSignaling.NEW_INVITATION_RECEIVED, (event) => void bob.accept({ inviteID: event.data.inviteID }))
 * const { inviteID } = await alice.invite({ userID: 'bob', data: JSON.stringify({ room_id: 42 }), timeout: 30 })
 * ```
 */
export const createTencentWebSignaling = (options: TencentWebSignalingOptions): TencentWebSignaling => {
  const { defaultTimeout, observeGroupInvitations, ...native } = options
  return tencentWebFacade(createSignaling(native), {
    ...(defaultTimeout === undefined ? {} : { defaultTimeout }),
    ...(observeGroupInvitations === undefined ? {} : { observeGroupInvitations }),
  })
}
