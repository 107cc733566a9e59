/**
 * One device of one user as the server sees it: its connection, how far it has caught up with
 * its user's stored messages, its local clock, and the app's listeners on its transport.
 *
 * @module
 */
import type { Clock, ConnectionState, IncomingMessage, MembershipEvent } from '@beckon/core'
import type { Ticket } from './agenda.js'
import type { ClockSkew } from './clocks.js'
import type { DeviceAddress } from './network.js'

/**
 * A device's listeners of one kind. The list is replaced, never changed in place, when one is
 * added or removed, so calling them needs no copy to be safe against a listener that
 * (un)subscribes: a copy, or even an iterator, per delivery was a measurable share of a big
 * group's time.
 */
export class Listeners<T> {
  #list: readonly ((value: T) => void)[] = []

  /** Add a listener; returns how to remove that very subscription. */
  add(listener: (value: T) => void): () => void {
    // Wrapped so that subscribing the same function twice gives two independent subscriptions.
    const entry = (value: T): void => listener(value)
    this.#list = [...this.#list, entry]
    return () => {
      this.#list = this.#list.filter((other) => other !== entry)
    }
  }

  /**
   * Call every listener, even if one throws; then rethrow the first failure, so a broken listener
   * surfaces in the test (through `advance` / `settle`, or the call that emitted) without
   * silencing the others.
   */
  emit(value: T): void {
    const list = this.#list
    if (list.length === 1) return list[0]!(value)
    let failure: { readonly error: unknown } | undefined
    for (const listener of list) {
      try {
        listener(value)
      } catch (error) {
        failure ??= { error }
      }
    }
    if (failure !== undefined) throw failure.error
  }
}

/** A device's server-side record. */
export class Device implements DeviceAddress {
  state: ConnectionState = 'disconnected'
  /**
   * Catch-up position while not connected: every stored entry of the user with a smaller sequence
   * number has been handed to this device (or was never for it), except those in `missed`.
   */
  cursor = 0
  /** Stored entries that were in flight to this device when it disconnected. */
  readonly missed = new Set<number>()
  /** The next step of catching up, while `connecting`. */
  catchUp: Ticket | undefined
  /** Server clock minus local clock, measured at the last (re)connect; 0 without skew. */
  serverOffset = 0

  readonly messageListeners = new Listeners<IncomingMessage>()
  readonly membershipListeners = new Listeners<MembershipEvent>()
  readonly connectionListeners = new Listeners<ConnectionState>()

  constructor(
    readonly userID: string,
    readonly deviceID: string,
    /** The device's local clock: the IM's clock, or a skewed one. */
    readonly clock: Clock,
    readonly skew: ClockSkew | undefined,
  ) {}

  /** Online: it has a session with the server, caught up or not. */
  get online(): boolean {
    return this.state !== 'disconnected'
  }

  /** Move to a connection state, telling the listeners if it changed. */
  enter(state: ConnectionState): void {
    if (state === this.state) return
    this.state = state
    this.connectionListeners.emit(state)
  }

  receive(message: IncomingMessage): void {
    this.messageListeners.emit(message)
  }

  notify(event: MembershipEvent): void {
    this.membershipListeners.emit(event)
  }
}
