/**
 * The embedded IM server: devices and their connections, catch-up from the offline store, message
 * fan-out (to the addressee's devices, the sender's other devices, or a group's members), message
 * replacement, groups and offline pushes. Transports call it; the network carries what it sends.
 *
 * @module
 */
import {
  TransportError,
  type Clock,
  type Conversation,
  type IncomingMessage,
  type MembershipEvent,
  type OfflinePushInfo,
  type SendOptions,
  type SendReceipt,
} from '@beckon/core'
import type { Agenda } from './agenda.js'
import type { ClockSkew } from './clocks.js'
import { Device } from './device.js'
import { GroupDirectory } from './groups.js'
import type { LinkTable } from './links.js'
import { Network, shipmentTo, type Shipment } from './network.js'
import type { Random } from './random.js'
import { carbonOf, MessageStore } from './storage.js'
import { requireConversation, sameConversation } from './validate.js'

/** A push notification the IM would have sent to a user with no device online. */
export interface OfflinePush {
  /** The addressee. */
  readonly userID: string
  readonly offlinePushInfo: OfflinePushInfo
  readonly payload: string
  readonly serverTime: number
  readonly messageID: string
}

/** The server. Methods taking a `Device` act as that authenticated device. */
export class ImServer {
  readonly pushes: OfflinePush[] = []
  readonly network: Network<Device>
  readonly #store: MessageStore
  readonly #groups = new GroupDirectory()
  /** Each user's devices, in the order they were added (an array: a fan-out walks it per member). */
  readonly #devices = new Map<string, Device[]>()
  /**
   * One conversation object per user and per group, shared by every message naming it: a stored
   * message keeps its conversation for the retention period, and a copy each was 40 bytes a message.
   */
  readonly #users = new Map<string, Conversation>()
  readonly #groupConversations = new Map<string, Conversation>()
  #messageCount = 0

  constructor(
    readonly clock: Clock,
    private readonly agenda: Agenda,
    links: LinkTable,
    random: Random,
    retentionMs: number,
  ) {
    this.#store = new MessageStore(clock, retentionMs)
    this.network = new Network<Device>(clock, agenda, links, random, (message, to) => {
      // Disconnecting recalls what is in flight, so this only guards against a bug elsewhere.
      if (to.online) to.receive(message)
    })
  }

  // --- devices and connections --------------------------------------------------------------------

  /** Register a new device; it starts disconnected, with everything retained for its user ahead. */
  addDevice(userID: string, deviceID: string, clock: Clock, skew: ClockSkew | undefined): Device {
    const device = new Device(userID, deviceID, clock, skew)
    const devices = this.#devices.get(userID)
    if (devices === undefined) this.#devices.set(userID, [device])
    else devices.push(device)
    return device
  }

  device(userID: string, deviceID: string): Device | undefined {
    return this.#devices.get(userID)?.find((device) => device.deviceID === deviceID)
  }

  devicesOf(userID: string): readonly Device[] {
    return [...(this.#devices.get(userID) ?? noDevices)]
  }

  /**
   * Bring a device online. With nothing stored for it, it is `connected` at once; otherwise it is
   * `connecting` while its backlog is delivered in server order, one step per scheduled task so
   * the app's reactions to one message finish before the next, then `connected`.
   */
  connect(device: Device): void {
    if (device.online) return
    device.serverOffset = this.clock.now() - device.clock.now()
    if (this.#peekBacklog(device) === undefined) return this.#caughtUp(device)
    this.#scheduleCatchUp(device)
    device.enter('connecting')
  }

  /** Take a device offline; what was in flight to it goes back to its backlog (if stored). */
  disconnect(device: Device): void {
    if (!device.online) return
    if (device.catchUp !== undefined) this.agenda.cancel(device.catchUp)
    device.catchUp = undefined
    if (device.state === 'connected') device.cursor = this.#store.nextSeq
    for (const parcel of this.network.recall(device)) if (parcel.seq !== undefined) device.missed.add(parcel.seq)
    device.enter('disconnected')
  }

  #scheduleCatchUp(device: Device): void {
    device.catchUp = this.agenda.schedule(0, () => this.#catchUpStep(device))
  }

  #catchUpStep(device: Device): void {
    device.catchUp = undefined
    if (device.state !== 'connecting') return
    const seq = this.#peekBacklog(device)
    if (seq === undefined) return this.#caughtUp(device)
    if (!device.missed.delete(seq)) device.cursor = seq + 1
    // The next step is scheduled before the app sees the message, so a listener that throws
    // cannot stall the catch-up.
    this.#scheduleCatchUp(device)
    device.receive(this.#store.viewFor(seq, device.userID))
  }

  #caughtUp(device: Device): void {
    device.cursor = this.#store.nextSeq
    device.missed.clear()
    device.enter('connected')
  }

  /** The sequence number of the next stored message the device has not had: first what was recalled, then newer ones. */
  #peekBacklog(device: Device): number | undefined {
    for (const seq of [...device.missed].sort((a, b) => a - b)) {
      if (this.#store.has(device.userID, seq)) return seq
      device.missed.delete(seq) // past retention
    }
    for (let seq = this.#store.firstFrom(device.userID, device.cursor); seq !== undefined; seq = this.#store.firstFrom(device.userID, device.cursor)) {
      if (this.#store.excludedDevice(seq, device.userID) !== device.deviceID) return seq
      device.cursor = seq + 1
    }
    return undefined
  }

  // --- messages -----------------------------------------------------------------------------------

  /** Take a message: stamp it, store it (unless online-only) and fan it out. */
  send(device: Device, addressee: Conversation, payload: string, options: SendOptions): SendReceipt {
    requireOnline(device)
    const to = this.#intern(addressee)
    const members = this.#membersFor(device, to)
    const serverTime = this.clock.now()
    const number = ++this.#messageCount
    const messageID = `m${number}`
    const stored = !options.onlineUserOnly
    const message = addresseeView(device, this.#seenBy(device, to), { messageID, payload, serverTime, modified: false, onlineUserOnly: !stored })
    const push = stored && options.offlinePushInfo?.disablePush !== true ? options.offlinePushInfo : undefined
    this.#fanOut(device, to, members, message, stored ? this.#store.post(device, to, message, number, true) : undefined, push)
    return { messageID, serverTime }
  }

  /** Take a replacement of a stored message this user sent to `to`; it keeps the original's id. */
  replace(device: Device, addressee: Conversation, messageID: string, payload: string): SendReceipt {
    requireOnline(device)
    const to = this.#intern(addressee)
    const number = messageNumber(messageID)
    const originalTo = this.#store.sentTo(number, device.userID)
    if (originalTo === undefined || !sameConversation(originalTo, to)) {
      throw new TransportError('NoSuchMessage', `${device.userID} sent no stored message ${JSON.stringify(messageID)} to ${describe(to)}`)
    }
    const members = this.#membersFor(device, to)
    const serverTime = this.clock.now()
    const message = addresseeView(device, this.#seenBy(device, to), { messageID, payload, serverTime, modified: true, onlineUserOnly: false })
    this.#fanOut(device, to, members, message, this.#store.post(device, to, message, number, false), undefined)
    return { messageID, serverTime }
  }

  /**
   * The shared object for the conversation `to` names, checked as `requireConversation` checks
   * it; a copy is made only the first time (one per send was a tenth of what a send allocated).
   */
  conversationOf(to: unknown): Conversation {
    const candidate = to as Partial<Record<'kind' | 'userID' | 'groupID', unknown>> | null
    const known =
      candidate?.kind === 'user' ? this.#users.get(candidate.userID as string) : candidate?.kind === 'group' ? this.#groupConversations.get(candidate.groupID as string) : undefined
    return known ?? this.#intern(requireConversation(to))
  }

  /** The shared object for this conversation (`to` itself the first time: validation made it, nobody else holds it). */
  #intern(to: Conversation): Conversation {
    const table = to.kind === 'user' ? this.#users : this.#groupConversations
    const id = to.kind === 'user' ? to.userID : to.groupID
    const known = table.get(id)
    if (known !== undefined) return known
    table.set(id, to)
    return to
  }

  /** The conversation a message from `sender` to `to` is in for its addressees: the group, or the sender. */
  #seenBy(sender: Device, to: Conversation): Conversation {
    if (to.kind === 'group') return to
    return this.#users.get(sender.userID) ?? this.#intern({ kind: 'user', userID: sender.userID })
  }

  #membersFor(device: Device, to: Conversation): readonly string[] | undefined {
    return to.kind === 'group' ? this.#groups.audience(to.groupID, device.userID) : undefined
  }

  /**
   * Store the message for each recipient and send it to the devices that take it live: for a
   * stored message (`seq`, its sequence number) the caught-up (`connected`) devices, the others getting it when
   * they catch up; for an online-only message every online device, and nobody else ever.
   *
   * Recipients, in delivery order: a group's members in join order, or the addressee then the
   * sender. Every recipient but the sender gets the very same message object (they see the same
   * thing), and the sender's other devices one carbon, built only if one of them takes it live:
   * a message to N members builds one or two objects, not N. All of it leaves in one dispatch.
   */
  #fanOut(sender: Device, to: Conversation, members: readonly string[] | undefined, message: IncomingMessage, seq: number | undefined, push: OfflinePushInfo | undefined): void {
    const me = sender.userID
    let first: Shipment<Device> | undefined
    let shipment: Shipment<Device> | undefined
    let carbon: IncomingMessage | undefined
    // A 1:1 message is for the addressee, then the sender's other devices (sending to oneself: those only).
    const addressee = members === undefined && to.kind === 'user' && to.userID !== me ? to.userID : undefined
    const count = members?.length ?? (addressee === undefined ? 1 : 2)
    for (let k = 0; k < count; k++) {
      const userID = members !== undefined ? members[k]! : k === 0 && addressee !== undefined ? addressee : me
      const mine = userID === me
      if (seq !== undefined) this.#store.store(userID, seq)
      let online = false
      for (const target of this.#devices.get(userID) ?? noDevices) {
        online ||= target.online
        if (target === sender || !(seq === undefined ? target.online : target.state === 'connected')) continue
        const copy = mine ? (carbon ??= carbonOf(message, to)) : message
        // Copies with the same message travel as one shipment: a group's fan-out is one object, not one per member.
        if (shipment?.message === copy) shipment.to.push(target)
        else if (shipment === undefined) first = shipment = shipmentTo(me, copy, seq, target)
        else shipment = shipment.next = shipmentTo(me, copy, seq, target)
      }
      if (push !== undefined && !mine && !online) {
        this.pushes.push({ userID, offlinePushInfo: push, payload: message.payload, serverTime: message.serverTime, messageID: message.messageID })
      }
    }
    this.network.dispatch(first)
  }

  // --- groups -------------------------------------------------------------------------------------

  createGroup(device: Device, groupID: string, memberIDs: readonly string[]): void {
    requireOnline(device)
    // Nothing is announced: telling every member of every initial member is quadratic in the
    // group's size (a 10,000-member group ran out of memory), and an XMPP room announces nothing
    // either. The members read the list with `getGroupMembers`.
    this.#groups.create(device.userID, groupID, memberIDs)
  }

  joinGroup(device: Device, groupID: string): void {
    requireOnline(device)
    if (!this.#groups.join(groupID, device.userID)) return
    this.#notify(this.#groups.members(groupID), { type: 'memberJoined', groupID, userID: device.userID })
  }

  quitGroup(device: Device, groupID: string): void {
    requireOnline(device)
    const members = this.#groups.membersFor(groupID, device.userID)
    this.#groups.quit(groupID, device.userID)
    this.#notify(members, { type: 'memberLeft', groupID, userID: device.userID })
  }

  dismissGroup(device: Device, groupID: string): void {
    requireOnline(device)
    this.#notify(this.#groups.dismiss(groupID, device.userID), { type: 'groupDismissed', groupID })
  }

  groupMembers(device: Device, groupID: string): readonly string[] {
    requireOnline(device)
    return this.#groups.members(groupID)
  }

  /**
   * Tell the online devices of these users, in one task after the caller's call (not inside it).
   * Membership events are not stored: a device that was away asks `getGroupMembers`.
   */
  #notify(userIDs: readonly string[], event: MembershipEvent): void {
    const targets = userIDs.flatMap((userID) => this.devicesOf(userID).filter((target) => target.online))
    if (targets.length === 0) return
    this.agenda.schedule(0, () => {
      // Every device hears it even if one's listener throws; the first failure surfaces after.
      let failure: { readonly error: unknown } | undefined
      for (const target of targets) {
        try {
          if (target.online) target.notify(event)
        } catch (error) {
          failure ??= { error }
        }
      }
      if (failure !== undefined) throw failure.error
    })
  }
}

const noDevices: readonly Device[] = []

/** What a message is, apart from who sent it and where. */
interface Stamp {
  readonly messageID: string
  readonly payload: string
  readonly serverTime: number
  readonly modified: boolean
  readonly onlineUserOnly: boolean
}

/**
 * A message as its addressees see it, in `conversation` (a group's members the group, a 1:1
 * addressee the sender). A literal of every field, in the order `carbonOf` writes them: one shape for every copy.
 */
const addresseeView = (sender: Device, conversation: Conversation, stamp: Stamp): IncomingMessage => ({
  messageID: stamp.messageID,
  sender: sender.userID,
  senderDevice: sender.deviceID,
  payload: stamp.payload,
  serverTime: stamp.serverTime,
  modified: stamp.modified,
  onlineUserOnly: stamp.onlineUserOnly,
  conversation,
  fromMyOtherDevice: false,
})

/** The number in an id the server gave (`m<number>`), or `NaN` for any other string. */
const messageNumber = (messageID: string): number => (/^m[1-9][0-9]*$/.test(messageID) ? Number(messageID.slice(1)) : Number.NaN)

const requireOnline = (device: Device): void => {
  if (!device.online) throw new TransportError('Disconnected', `device ${JSON.stringify(device.deviceID)} of ${JSON.stringify(device.userID)} is disconnected`)
}

const describe = (to: Conversation): string => (to.kind === 'user' ? `user ${JSON.stringify(to.userID)}` : `group ${JSON.stringify(to.groupID)}`)
