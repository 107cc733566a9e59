/**
 * A zero-cost IM for measuring the library alone: each device's `ImTransport` hands a message
 * straight to the addressed user's device in a microtask, and the server's clock is a counter that
 * moves one millisecond per message taken. No network model, no storage, no groups, one device per
 * user, nothing kept per message once delivered: whatever a lifecycle costs over it is the
 * library's own cost.
 *
 * Delivery interleaves with the library's own microtasks as `queueMicrotask` per message would:
 * taking a message queues one microtask, a reaction to a promise settled once, and the k-th of
 * those to run delivers the k-th message taken (they run in the order queued). So a message is
 * delivered after whatever was queued before it was taken (the receipt of an earlier send, the
 * continuation of an earlier command) and before whatever is queued after — its own receipt
 * included, since `send` takes the message before the library attaches its reaction to the
 * promise it returns. Node's `queueMicrotask` made an async resource and a bound function per
 * message (about a twentieth of what a lifecycle allocated here); a reaction makes neither.
 *
 * Its clock keeps every timer the library arms and never fires one (the flows measured here end
 * long before any deadline), so memory measured through it includes the library's timers.
 *
 * @module
 */
import { TransportError, type Clock, type Conversation, type ImTransport, type IncomingMessage, type SendOptions, type SendReceipt, type TimerHandle } from '@beckon/core'

/** Server time at which a direct IM starts. */
const START = 1_700_000_000_000

/** A counter for a clock: `now()` is what the IM last stamped; timers wait in a table, never fired. */
export class CounterClock implements Clock {
  #now = START
  #next = 1
  readonly #timers = new Map<number, { readonly at: number; readonly fn: () => void }>()

  now(): number {
    return this.#now
  }

  /** Moves time on by `ms` (the IM does, by 1 per message it takes); fires nothing. */
  tick(ms: number): number {
    this.#now += ms
    return this.#now
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const handle = this.#next++
    this.#timers.set(handle, { at: this.#now + Math.max(0, ms), fn })
    return handle
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete(handle as number)
  }

  /** Timers armed and not yet fired or cleared. */
  get armed(): number {
    return this.#timers.size
  }
}

const notFor1to1 = (): Promise<never> => Promise.reject(new TransportError('Rejected', 'the direct IM carries 1:1 messages only'))

/** One user's one device on a {@link DirectIm}. */
export class DirectTransport implements ImTransport {
  readonly deviceID = 'default'
  readonly connectionState = 'connected' as const
  /** The conversation with this user as the messages it sends name it, one object for all of them. */
  readonly conversation: Conversation
  readonly #listeners = new Set<(message: IncomingMessage) => void>()

  constructor(
    readonly userID: string,
    readonly clock: CounterClock,
    private readonly im: DirectIm,
  ) {
    this.conversation = Object.freeze({ kind: 'user', userID })
  }

  send(to: Conversation, payload: string, _options: SendOptions): Promise<SendReceipt> {
    return Promise.resolve(this.im.take(this, to, payload))
  }

  replace(to: Conversation, _messageID: string, payload: string): Promise<SendReceipt> {
    return Promise.resolve(this.im.take(this, to, payload))
  }

  onMessage(listener: (message: IncomingMessage) => void): () => void {
    this.#listeners.add(listener)
    return () => void this.#listeners.delete(listener)
  }

  /** Hands `message` to this device's listeners. */
  deliver(message: IncomingMessage): void {
    for (const listener of this.#listeners) listener(message)
  }

  createGroup = notFor1to1
  joinGroup = notFor1to1
  quitGroup = notFor1to1
  dismissGroup = notFor1to1
  getGroupMembers = notFor1to1
  onMembershipChange = (): (() => void) => () => undefined
  onConnectionChange = (): (() => void) => () => undefined

  serverNow(): number {
    return this.clock.now()
  }
}

/** The hub: users by id, one device each. A message to a user with no device is dropped. */
export class DirectIm {
  readonly clock = new CounterClock()
  readonly #devices = new Map<string, DirectTransport>()
  #messages = 0
  /**
   * Taken and not yet delivered, in the order taken: a device, then the message for it, from
   * `#next` to `#end`. Slots are emptied as they are delivered and reused from the start once all
   * are (between a bench's batches), so the array holds nothing delivered and keeps its room (up
   * to {@link maxRoomKept} slots).
   */
  readonly #inbox: (DirectTransport | IncomingMessage | undefined)[] = []
  #next = 0
  #end = 0

  connect(userID: string): DirectTransport {
    let device = this.#devices.get(userID)
    if (device === undefined) {
      device = new DirectTransport(userID, this.clock, this)
      this.#devices.set(userID, device)
    }
    return device
  }

  /** Takes a message from `from` (or from a user with no device here), stamps it, and delivers it in a microtask. */
  take(from: { readonly userID: string; readonly deviceID: string }, to: Conversation, payload: string): SendReceipt {
    if (to.kind !== 'user') throw new TransportError('Rejected', 'the direct IM carries 1:1 messages only')
    const serverTime = this.clock.tick(1)
    const messageID = `m${++this.#messages}`
    const device = this.#devices.get(to.userID)
    if (device !== undefined) {
      const message: IncomingMessage = {
        messageID,
        sender: from.userID,
        senderDevice: from.deviceID,
        conversation: from instanceof DirectTransport ? from.conversation : { kind: 'user', userID: from.userID },
        payload,
        serverTime,
        fromMyOtherDevice: false,
        modified: false,
      }
      this.#inbox[this.#end++] = device
      this.#inbox[this.#end++] = message
      void queued.then(this.#deliverNext)
    }
    return { messageID, serverTime }
  }

  /** Delivers the oldest message not yet delivered: one call per message taken, in the order taken. */
  readonly #deliverNext = (): void => {
    const inbox = this.#inbox
    const device = inbox[this.#next] as DirectTransport
    const message = inbox[this.#next + 1] as IncomingMessage
    inbox[this.#next++] = undefined
    inbox[this.#next++] = undefined
    if (this.#next === this.#end) {
      this.#next = this.#end = 0
      // Room past what a bench's batch keeps in flight is let go: it is the IM's, not the library's,
      // and the memory figures count whatever stays allocated.
      if (inbox.length > maxRoomKept) inbox.length = 0
    }
    device.deliver(message)
  }
}

/** Slots of the inbox kept between bursts: more than the 800 a facade bench batch (400 invites in flight at once) fills. */
const maxRoomKept = 2_048

/** Where deliveries queue: a reaction to a settled promise is a microtask, in the order queued. */
const queued = Promise.resolve()
