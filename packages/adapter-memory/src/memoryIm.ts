/**
 * `MemoryIm`: an IM server embedded in the process — users, devices, groups, an offline store and
 * a server clock — with a seeded network simulator between the server and the devices.
 *
 * @module
 */
import type { Clock, IncomingMessage } from '@beckon/core'
import { Agenda } from './agenda.js'
import { realTimeClock, sameSkew, SkewedClock, type ClockSkew } from './clocks.js'
import { LinkTable, type LinkScope, type LinkSettings } from './links.js'
import type { InFlightDelivery } from './network.js'
import { mulberry32 } from './random.js'
import { ImServer, type OfflinePush } from './server.js'
import { MemoryTransport } from './transport.js'
import { requireID, requirePayload } from './validate.js'
import { VirtualClock, type MemoryImClock } from './virtualClock.js'

/** How long the offline store keeps a message by default: 7 days. */
export const DEFAULT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000

/** How to build a {@link MemoryIm}; every field is optional. */
export interface MemoryImOptions {
  /**
   * The server's clock. Omitted: a new {@link VirtualClock} (nothing happens until the test
   * settles or advances). A `VirtualClock` you made: the same, on your clock. Any other clock
   * (such as core's `systemClock`): real-time mode, where deliveries ride on real timers and
   * `clock.advance` rejects.
   */
  readonly clock?: Clock
  /** Seed of the network's randomness (loss, duplication, random latency); default 1. */
  readonly seed?: number
  /** Link settings for every link, until `setLink` says otherwise; default: instant and reliable. */
  readonly network?: LinkSettings
  /** How long stored messages are kept for devices that are away or new; default 7 days. */
  readonly retentionMs?: number
}

/** Which device `im.connect` means, and (for a new device) how its clock is off the server's. */
export interface ConnectOptions {
  /** Which of the user's devices; default `'default'`. */
  readonly deviceID?: string
  /** Give this device a local clock off the server's (only when the device is first connected). */
  readonly clockSkew?: ClockSkew
}

/** Where {@link MemoryIm.inject} puts a message: one device of a user (default `'default'`). */
export interface InjectTarget {
  readonly userID: string
  readonly deviceID?: string
}

/**
 * An embedded IM server and network simulator.
 *
 * - Delivery: a message to a user reaches each of its devices (connected ones over the network,
 *   the others when they reconnect) and the sender's other devices (`fromMyOtherDevice`); a group
 *   message reaches each device of each member except the sending device.
 * - Catch-up is reliable and not subject to `hold`: it models a device fetching its archive.
 * - `settle()` runs what is due *now*; with latency configured, move time with `clock.advance`.
 * - The deliveries of one message due at the same moment arrive in one step, in member order,
 *   and microtasks are drained after the step, not between devices: a message to a group of N
 *   costs one scheduled task, so big groups stay linear.
 *
 * @example
 * ```ts
 * const im = new MemoryIm({ seed: 7, network: { latency: { min: 10, max: 50 }, loss: 0.1 } })
 * const alice = im.connect('alice'), bob = im.connect('bob')
 * bob.disconnect()
 * await alice.send({ kind: 'user', userID: 'bob' }, 'ring', { onlineUserOnly: false })
 * bob.connect()          // 'connecting': the stored message is on its way
 * await im.settle()      // delivered, then bob is 'connected'
 * await im.clock.advance(31_000)
 * ```
 */
export class MemoryIm {
  /** The server's clock; app timers armed on `transport.clock` share its agenda. */
  readonly clock: MemoryImClock
  /** Which kind of time the IM runs on: settling differs between the two. */
  readonly #time: { readonly virtual: VirtualClock } | { readonly real: Clock }
  readonly #agenda: Agenda
  readonly #links: LinkTable
  readonly #server: ImServer
  readonly #origin: number
  readonly #transports = new Map<string, MemoryTransport>()
  #injected = 0

  constructor(options: MemoryImOptions = {}) {
    const { clock, seed = 1, network = {}, retentionMs = DEFAULT_RETENTION_MS } = options
    if (!Number.isInteger(seed)) throw new TypeError(`seed must be an integer, got ${seed}`)
    if (!(retentionMs > 0)) throw new RangeError(`retentionMs must be > 0, got ${retentionMs}`)
    if (clock === undefined || clock instanceof VirtualClock) {
      const virtual = clock ?? new VirtualClock()
      this.#time = { virtual }
      this.clock = virtual
    } else {
      this.#time = { real: clock }
      this.clock = realTimeClock(clock)
    }
    this.#origin = this.clock.now()
    this.#agenda = new Agenda(this.clock)
    this.#links = new LinkTable(network)
    this.#server = new ImServer(this.clock, this.#agenda, this.#links, mulberry32(seed), retentionMs)
  }

  /**
   * The transport of a device of `userID`, brought online. The first call for a device creates it
   * (a new device receives everything still stored for its user); later calls return the same
   * object, reconnecting it if it was disconnected.
   */
  connect(userID: string, options: ConnectOptions = {}): MemoryTransport {
    requireID(userID, 'userID')
    const deviceID = requireID(options.deviceID ?? 'default', 'deviceID')
    const key = JSON.stringify([userID, deviceID])
    let transport = this.#transports.get(key)
    if (transport === undefined) {
      const skew = options.clockSkew
      const clock = skew === undefined ? this.clock : new SkewedClock(this.clock, skew, this.#origin)
      transport = new MemoryTransport(this.#server, this.#server.addDevice(userID, deviceID, clock, skew))
      this.#transports.set(key, transport)
    } else if (options.clockSkew !== undefined && !sameSkew(options.clockSkew, this.#server.device(userID, deviceID)?.skew)) {
      throw new TypeError(`device ${JSON.stringify(deviceID)} of ${JSON.stringify(userID)} already exists with another clockSkew`)
    }
    transport.connect()
    return transport
  }

  /**
   * Run everything due at the current time — deliveries, catch-up, membership events, app timers —
   * draining microtasks between steps, until nothing due is left. No time passes. In real-time
   * mode, wait until the IM has nothing scheduled (held deliveries do not count).
   */
  async settle(): Promise<void> {
    if ('virtual' in this.#time) return this.#time.virtual.advance(0)
    const clock = this.#time.real
    const tick = (): Promise<void> => new Promise((resolve) => clock.setTimeout(resolve, 5))
    while (this.#agenda.outstanding > 0) await tick()
    await tick() // let listeners' promise chains finish
  }

  /**
   * Set how the network treats deliveries from user `scope.from` to devices of user `scope.to`
   * (either omitted: any user). Fields left out keep their current value; more specific scopes
   * win over less specific ones, and among equals the latest call wins. Affects later sends only.
   *
   * @example
   * ```ts
   * im.setLink({ latency: 100 })                                   // every link
   * im.setLink({ loss: 0.5, reorder: true }, { to: 'bob' })        // towards bob's devices
   * ```
   */
  setLink(settings: LinkSettings, scope: LinkScope = {}): void {
    this.#links.set(settings, scope)
  }

  /** Offline pushes the IM would have sent (stored messages with `offlinePushInfo` to users with no device online). */
  get pushes(): readonly OfflinePush[] {
    return this.#server.pushes
  }

  // --- manual mode --------------------------------------------------------------------------------

  /** Stop automatic delivery: deliveries stay in flight until `deliver` / `drop` / `release`. */
  hold(): void {
    this.#server.network.hold()
  }

  /** Return to automatic delivery; deliveries already due arrive on the next settle. */
  release(): void {
    this.#server.network.release()
  }

  /** Whether automatic delivery is stopped. */
  get held(): boolean {
    return this.#server.network.held
  }

  /**
   * Deliveries on their way to devices, oldest first. A device that disconnects takes back what
   * was in flight to it (stored messages return to its backlog), so those leave this list.
   */
  inFlight(): readonly InFlightDelivery[] {
    return this.#server.network.list()
  }

  /** Deliver one in-flight delivery now (its listeners run before this returns). */
  deliver(id: string): void {
    this.#server.network.deliver(id)
  }

  /** Lose one in-flight delivery for good. */
  drop(id: string): void {
    this.#server.network.drop(id)
  }

  /** Put a copy of an in-flight delivery in flight too; returns the copy's id. */
  duplicate(id: string): string {
    return this.#server.network.duplicate(id)
  }

  /**
   * Test hook: hand a raw message straight to an online device's listeners, bypassing the server
   * (no authentication, no storage, no network), to test how an app copes with hostile or
   * malformed input. Missing fields are filled in: a fresh `messageID`, sender `'injected'` on
   * device `'default'`, a 1:1 conversation with the sender, `serverTime` now, not a carbon, not
   * modified, not online-only. Returns the message as delivered.
   */
  inject(target: InjectTarget, message: Partial<IncomingMessage> & { readonly payload: string }): IncomingMessage {
    const userID = requireID(target.userID, 'target userID')
    const deviceID = requireID(target.deviceID ?? 'default', 'target deviceID')
    const device = this.#server.device(userID, deviceID)
    if (device?.online !== true) throw new Error(`MemoryIm.inject: device ${JSON.stringify(deviceID)} of ${JSON.stringify(userID)} is not online`)
    const sender = message.sender ?? 'injected'
    const full: IncomingMessage = {
      messageID: message.messageID ?? `injected-${++this.#injected}`,
      sender,
      senderDevice: message.senderDevice ?? 'default',
      conversation: message.conversation ?? { kind: 'user', userID: sender },
      payload: requirePayload(message.payload),
      serverTime: message.serverTime ?? this.clock.now(),
      fromMyOtherDevice: message.fromMyOtherDevice ?? false,
      modified: message.modified ?? false,
      onlineUserOnly: message.onlineUserOnly ?? false,
    }
    device.receive(full)
    return full
  }
}
