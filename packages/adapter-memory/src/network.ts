/**
 * The simulated server → device leg: every delivery of a message to a device travels here, with
 * the latency, loss and duplication of its link, and can be held for a test to deliver, drop or
 * duplicate by hand (manual mode).
 *
 * @module
 */
import type { Clock, Conversation, IncomingMessage } from '@beckon/core'
import type { Agenda, Ticket } from './agenda.js'
import type { LinkTable } from './links.js'
import { chance, integerBetween, type Random } from './random.js'

/** One device of one user. */
export interface DeviceAddress {
  readonly userID: string
  readonly deviceID: string
}

/** What the server hands the network: a message for one device. */
export interface Parcel {
  /** The sending user (the link's source). */
  readonly from: string
  readonly to: DeviceAddress
  readonly message: IncomingMessage
  /** The storage sequence number, for a stored message: it goes back to storage if recalled. */
  readonly seq: number | undefined
}

/** A delivery on its way to a device, as {@link MemoryIm.inFlight} lists it. */
export interface InFlightDelivery {
  /** Pass it to `im.deliver`, `im.drop` or `im.duplicate`. */
  readonly id: string
  /** The sending user. */
  readonly from: string
  readonly to: DeviceAddress
  readonly messageID: string
  readonly payload: string
  readonly serverTime: number
  readonly conversation: Conversation
  readonly modified: boolean
  /** When it arrives if nobody intervenes (IM clock). */
  readonly dueAt: number
}

interface Flight {
  readonly id: string
  readonly parcel: Parcel
  readonly dueAt: number
  ticket: Ticket | undefined
}

const linkKey = (from: string, to: DeviceAddress): string => JSON.stringify([from, to.userID, to.deviceID])

/**
 * Deliveries in flight. Randomness is drawn in a fixed order per dispatch (loss, duplication,
 * then one latency per copy), so the same seed and the same sends replay the same run.
 */
export class Network {
  readonly #flights = new Map<string, Flight>()
  /** Latest due time per link, to keep FIFO links in order despite random latency. */
  readonly #lastDue = new Map<string, number>()
  #nextID = 1
  #held = false

  constructor(
    private readonly clock: Clock,
    private readonly agenda: Agenda,
    private readonly links: LinkTable,
    private readonly random: Random,
    private readonly arrive: (parcel: Parcel) => void,
  ) {}

  /** Whether automatic delivery is stopped (manual mode). */
  get held(): boolean {
    return this.#held
  }

  /** Send a parcel on its link: maybe lose it, maybe duplicate it, else schedule its arrival. */
  dispatch(parcel: Parcel): void {
    const link = this.links.resolve(parcel.from, parcel.to.userID)
    if (chance(this.random, link.loss)) return
    const copies = chance(this.random, link.duplicate) ? 2 : 1
    const key = linkKey(parcel.from, parcel.to)
    for (let copy = 0; copy < copies; copy++) {
      let dueAt = this.clock.now() + integerBetween(this.random, link.latency.min, link.latency.max)
      if (!link.reorder) dueAt = Math.max(dueAt, this.#lastDue.get(key) ?? dueAt)
      this.#lastDue.set(key, Math.max(dueAt, this.#lastDue.get(key) ?? dueAt))
      this.#launch(parcel, dueAt)
    }
  }

  /** Every delivery in flight, in the order they were sent. */
  list(): readonly InFlightDelivery[] {
    return [...this.#flights.values()].map(({ id, parcel, dueAt }) => ({
      id,
      from: parcel.from,
      to: parcel.to,
      messageID: parcel.message.messageID,
      payload: parcel.message.payload,
      serverTime: parcel.message.serverTime,
      conversation: parcel.message.conversation,
      modified: parcel.message.modified,
      dueAt,
    }))
  }

  /** Stop automatic delivery: what is in flight (and what is sent later) waits for the test. */
  hold(): void {
    this.#held = true
    for (const flight of this.#flights.values()) this.#disarm(flight)
  }

  /** Resume automatic delivery; overdue deliveries arrive now, in due-time order. */
  release(): void {
    this.#held = false
    const waiting = [...this.#flights.values()].sort((a, b) => a.dueAt - b.dueAt)
    for (const flight of waiting) this.#arm(flight)
  }

  /** Deliver one in-flight delivery now. */
  deliver(id: string): void {
    const flight = this.#take(id)
    this.arrive(flight.parcel)
  }

  /** Lose one in-flight delivery for good. */
  drop(id: string): void {
    this.#take(id)
  }

  /** Put a second copy of an in-flight delivery in flight; returns the copy's id. */
  duplicate(id: string): string {
    const flight = this.#find(id)
    return this.#launch(flight.parcel, flight.dueAt)
  }

  /** Take back everything in flight to a device (it disconnected); returns the parcels. */
  recall(to: DeviceAddress): Parcel[] {
    const recalled: Parcel[] = []
    for (const flight of [...this.#flights.values()]) {
      if (flight.parcel.to.userID !== to.userID || flight.parcel.to.deviceID !== to.deviceID) continue
      this.#take(flight.id)
      recalled.push(flight.parcel)
    }
    return recalled
  }

  #launch(parcel: Parcel, dueAt: number): string {
    const flight: Flight = { id: `d${this.#nextID++}`, parcel, dueAt, ticket: undefined }
    this.#flights.set(flight.id, flight)
    if (!this.#held) this.#arm(flight)
    return flight.id
  }

  #arm(flight: Flight): void {
    flight.ticket = this.agenda.schedule(Math.max(0, flight.dueAt - this.clock.now()), () => {
      this.#flights.delete(flight.id)
      this.arrive(flight.parcel)
    })
  }

  #disarm(flight: Flight): void {
    if (flight.ticket !== undefined) this.agenda.cancel(flight.ticket)
    flight.ticket = undefined
  }

  #find(id: string): Flight {
    const flight = this.#flights.get(id)
    if (flight === undefined) throw new RangeError(`MemoryIm: no delivery ${JSON.stringify(id)} is in flight`)
    return flight
  }

  #take(id: string): Flight {
    const flight = this.#find(id)
    this.#disarm(flight)
    this.#flights.delete(id)
    return flight
  }
}
