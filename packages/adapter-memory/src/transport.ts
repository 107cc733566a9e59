/**
 * `MemoryTransport`: one device's `ImTransport` on the embedded IM.
 *
 * @module
 */
import type {
  Clock,
  ConnectionState,
  Conversation,
  ImTransport,
  IncomingMessage,
  MembershipEvent,
  SendOptions,
  SendReceipt,
  Unsubscribe,
} from '@beckon/core'
import type { Device, Listeners } from './device.js'
import type { ImServer } from './server.js'
import { requireID, requireIDs, requirePayload, requireSendOptions } from './validate.js'

const subscribe = <T>(listeners: Listeners<T>, listener: (value: T) => void): Unsubscribe => {
  if (typeof listener !== 'function') throw new TypeError('a listener must be a function')
  return listeners.add(listener)
}

/**
 * One device of one user on a {@link MemoryIm}, as the `ImTransport` the signaling library uses.
 * Get one from `im.connect(userID, { deviceID })`; the constructor is not for apps.
 *
 * The server takes a message synchronously when `send` is called (so its `serverTime` is the
 * IM clock at the call); the promise only reports the outcome. Operations reject with a
 * `TransportError` (`Disconnected` while disconnected; `NotMember`, `NoSuchGroup`, `GroupExists`,
 * `NoSuchMessage`, `Rejected`) and with a `TypeError` for malformed arguments. A device that is
 * `connecting` (online, still catching up) may already send.
 *
 * Listeners are called from the IM's scheduled tasks (on `settle()` / `clock.advance()` with the
 * virtual clock); a listener that throws makes that `settle` / `advance` reject.
 *
 * @example
 * ```ts
 * const im = new MemoryIm()
 * const alice = im.connect('alice'), bob = im.connect('bob')
 * bob.onMessage((m) => console.log(m.sender, m.payload))
 * await alice.send({ kind: 'user', userID: 'bob' }, 'hi', { onlineUserOnly: false })
 * await im.settle() // logs: alice hi
 * ```
 */
export class MemoryTransport implements ImTransport {
  readonly userID: string
  readonly deviceID: string
  /** The device's clock: the IM's clock, or a skewed one if the device was given `clockSkew`. */
  readonly clock: Clock
  readonly #server: ImServer
  readonly #device: Device

  /** @internal Use `im.connect`. */
  constructor(server: ImServer, device: Device) {
    this.#server = server
    this.#device = device
    this.userID = device.userID
    this.deviceID = device.deviceID
    this.clock = device.clock
  }

  get connectionState(): ConnectionState {
    return this.#device.state
  }

  /** Bring this device back online (a no-op if it is online); stored messages are delivered first. */
  connect(): void {
    this.#server.connect(this.#device)
  }

  /** Go offline now: state `disconnected` at once; what is sent to it meanwhile is stored. */
  disconnect(): void {
    this.#server.disconnect(this.#device)
  }

  /**
   * Re-measure the offset to the server's clock, as a real client would with a time query; exact
   * here (the server is in the same process). Without clock skew there is nothing to correct.
   */
  syncServerTime(): Promise<number> {
    if (this.#device.skew !== undefined) this.#device.serverOffset = this.#server.clock.now() - this.#device.clock.now()
    return Promise.resolve(this.serverNow())
  }

  /**
   * The server's clock now: exact without clock skew; with skew, the local clock plus the offset
   * measured at the last (re)connect or {@link syncServerTime}, so it drifts like a real estimate.
   */
  serverNow(): number {
    return this.#device.skew === undefined ? this.#server.clock.now() : this.#device.clock.now() + this.#device.serverOffset
  }

  async send(to: Conversation, payload: string, options: SendOptions): Promise<SendReceipt> {
    return this.#server.send(this.#device, this.#server.conversationOf(to), requirePayload(payload), requireSendOptions(options))
  }

  async replace(to: Conversation, messageID: string, payload: string): Promise<SendReceipt> {
    return this.#server.replace(this.#device, this.#server.conversationOf(to), requireID(messageID, 'messageID'), requirePayload(payload))
  }

  onMessage(listener: (message: IncomingMessage) => void): Unsubscribe {
    return subscribe(this.#device.messageListeners, listener)
  }

  async createGroup(groupID: string, memberIDs: readonly string[]): Promise<void> {
    this.#server.createGroup(this.#device, requireID(groupID, 'groupID'), requireIDs(memberIDs, 'memberIDs'))
  }

  async joinGroup(groupID: string): Promise<void> {
    this.#server.joinGroup(this.#device, requireID(groupID, 'groupID'))
  }

  async quitGroup(groupID: string): Promise<void> {
    this.#server.quitGroup(this.#device, requireID(groupID, 'groupID'))
  }

  /** Only the group's creator may dismiss it (else `Rejected`). */
  async dismissGroup(groupID: string): Promise<void> {
    this.#server.dismissGroup(this.#device, requireID(groupID, 'groupID'))
  }

  /** Members in join order: the creator, the initial members as given, then later joiners. */
  async getGroupMembers(groupID: string): Promise<readonly string[]> {
    return this.#server.groupMembers(this.#device, requireID(groupID, 'groupID'))
  }

  /**
   * Membership events for groups this user is in, on connected devices only (not stored): joins,
   * departures and dismissal after a group was created. Creating a group announces nothing (its
   * members read the list with `getGroupMembers`), so creation costs the same for any size.
   */
  onMembershipChange(listener: (event: MembershipEvent) => void): Unsubscribe {
    return subscribe(this.#device.membershipListeners, listener)
  }

  onConnectionChange(listener: (state: ConnectionState) => void): Unsubscribe {
    return subscribe(this.#device.connectionListeners, listener)
  }
}
