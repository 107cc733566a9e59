/**
 * Turning a decoded signaling stanza into the `IncomingMessage` the core sees: who sent it (the
 * authenticated sender, never the payload), from which device, in which conversation, and at what
 * server time. Returns `undefined` for anything that must not reach the core.
 *
 * @module
 */
import type { Conversation, IncomingMessage } from '@beckon/core'
import type { SignalStanza } from './decode.js'
import type { Address } from './jid.js'
import type { RoomRegistry } from './rooms.js'
import { messageTime, type Stamp, type TimeTolerance } from './serverTime.js'

/** What routing needs to know about this device. */
export interface RouteContext {
  readonly me: Address
  readonly myUserID: string
  readonly mucDomain: string
  readonly toUserID: (bare: string) => string
  readonly registry: RoomRegistry
  readonly serverNow: () => number
  readonly tolerance: TimeTolerance
}

/**
 * A routed message: what to deliver, and what to remember about messages this user sent. `own`:
 * sent from this very device (resource); dropped if this process sent it, delivered otherwise.
 */
export interface Routed {
  /** Identifies this stanza for de-duplication across live, carbon, offline and archive copies. */
  readonly key: string
  readonly message: IncomingMessage
  /** Sent by this very device: recorded (so it can be replaced) but never delivered back to it. */
  readonly own: boolean
  readonly sentByMyUser: boolean
  readonly onlineOnly: boolean
}

const USER_TYPES = new Set(['chat', 'normal', 'headline'])

const build = (signal: SignalStanza, stamp: Stamp | undefined, ctx: RouteContext, parts: { sender: string; senderDevice: string; conversation: Conversation; fromMyOtherDevice: boolean }): IncomingMessage => ({
  messageID: signal.replaces ?? signal.id,
  sender: parts.sender,
  senderDevice: parts.senderDevice,
  conversation: parts.conversation,
  payload: signal.payload,
  serverTime: messageTime(signal.claimedAt, stamp ?? signal.delay, ctx.serverNow(), ctx.tolerance),
  fromMyOtherDevice: parts.fromMyOtherDevice,
  modified: signal.replaces !== undefined,
  onlineUserOnly: signal.type === 'headline' || signal.noStore,
})

/**
 * A 1:1 message: from a peer to this user, or (as a carbon or from the archive) from one of this
 * user's devices to a peer. `stamp` is the archive's time for an archived copy.
 */
export const routeUserMessage = (signal: SignalStanza, stamp: Stamp | undefined, ctx: RouteContext): Routed | undefined => {
  if (!USER_TYPES.has(signal.type) || signal.from.domain === ctx.mucDomain) return undefined
  const onlineOnly = signal.type === 'headline' || signal.noStore
  if (signal.from.bare === ctx.me.bare) {
    if (signal.to === undefined || signal.to.bare === ctx.me.bare) return undefined
    const message = build(signal, stamp, ctx, {
      sender: ctx.myUserID,
      senderDevice: signal.from.resource,
      conversation: { kind: 'user', userID: ctx.toUserID(signal.to.bare) },
      fromMyOtherDevice: true,
    })
    const own = signal.from.resource === ctx.me.resource
    return { key: `${ctx.me.bare}|${signal.id}`, message, own, sentByMyUser: true, onlineOnly }
  }
  const sender = ctx.toUserID(signal.from.bare)
  const message = build(signal, stamp, ctx, { sender, senderDevice: signal.from.resource, conversation: { kind: 'user', userID: sender }, fromMyOtherDevice: false })
  return { key: `${signal.from.bare}|${signal.id}`, message, own: false, sentByMyUser: false, onlineOnly }
}

/** A group message from a room, live or archived; dropped unless a member sent it. */
export const routeGroupMessage = (signal: SignalStanza, stamp: Stamp | undefined, archived: boolean, ctx: RouteContext): Routed | undefined => {
  if (signal.type !== 'groupchat') return undefined
  const room = ctx.registry.get(signal.from.bare)
  if (room === undefined) return undefined
  const sender = ctx.registry.senderOf(room, signal, archived)
  if (sender === undefined) return undefined
  const mine = sender.userBare === ctx.me.bare
  const message = build(signal, stamp, ctx, {
    sender: mine ? ctx.myUserID : ctx.toUserID(sender.userBare),
    senderDevice: sender.device,
    conversation: { kind: 'group', groupID: room.groupID },
    fromMyOtherDevice: mine && !sender.own,
  })
  return { key: `${sender.userBare}|${signal.id}`, message, own: sender.own, sentByMyUser: mine, onlineOnly: signal.noStore }
}
