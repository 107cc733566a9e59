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
  /** Its number; `d<key>` is the id tests see. */
  readonly key: number
  readonly parcel: Parcel
  readonly dueAt: number
  /** The batch that will deliver it, while armed; `undefined` while held (or once gone). */
  batch: Batch | undefined
}

/**
 * Deliveries of one dispatch due at the same moment share one scheduled task: a group message
 * to N devices is one task, not N, so the virtual clock drains the microtask queue once per
 * message rather than once per device (the per-delivery drain was most of a big group's cost).
 */
interface Batch {
  readonly flights: Flight[]
  /** How many of its flights it will still deliver. */
  armed: number
  ticket: Ticket | undefined
}

const newBatch = (flights: Flight[]): Batch => ({ flights, armed: 0, ticket: undefined })

/** The id tests see for a flight. */
const flightID = (key: number): string => `d${key}`

/**
 * Deliveries in flight. Randomness is drawn in a fixed order per parcel (loss, duplication,
 * then one latency per copy), so the same seed and the same sends replay the same run.
 *
 * A delivery on its way lives in its batch only; there is no table of every delivery. With
 * Tencent's semantics a 1,000-member group's answers put a million deliveries in flight at once,
 * and an entry per delivery in one big `Map` (added, grown and deleted a million times) was a
 * fifth of the run. Only held deliveries (manual mode) are kept by number, for a test to pick.
 */
export class Network {
  /** Batches waiting to land. */
  readonly #armed = new Set<Batch>()
  /** Deliveries in no batch: held for a test (manual mode), by number. */
  readonly #loose = new Map<number, Flight>()
  /**
   * Latest due time per link (sending user → user → device), to keep FIFO links in order despite
   * random latency. Nested maps of the ids, not one map of joined ids: a joined key was a new
   * string to build and hash per delivery.
   */
  readonly #lastDue = new Map<string, Map<string, Map<string, number>>>()
  #nextKey = 1
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
    this.dispatchAll([parcel])
  }

  /**
   * Send parcels, in order, each on its link as {@link dispatch} would; those due at the same
   * moment arrive in one step, in this order.
   */
  dispatchAll(parcels: readonly Parcel[]): void {
    const now = this.clock.now()
    const batches = new Map<number, Batch>()
    for (const parcel of parcels) {
      const link = this.links.resolve(parcel.from, parcel.to.userID)
      if (chance(this.random, link.loss)) continue
      const copies = chance(this.random, link.duplicate) ? 2 : 1
      for (let copy = 0; copy < copies; copy++) {
        const dueAt = this.#dueAt(parcel, now + integerBetween(this.random, link.latency.min, link.latency.max), link.reorder)
        const flight = this.#launch(parcel, dueAt)
        if (this.#held) {
          this.#loose.set(flight.key, flight)
          continue
        }
        let batch = batches.get(dueAt)
        if (batch === undefined) batches.set(dueAt, (batch = newBatch([])))
        batch.flights.push(flight)
      }
    }
    for (const [dueAt, batch] of batches) this.#arm(batch, dueAt)
  }

  #dueAt(parcel: Parcel, drawn: number, reorder: boolean): number {
    let perUser = this.#lastDue.get(parcel.from)
    if (perUser === undefined) this.#lastDue.set(parcel.from, (perUser = new Map()))
    let perDevice = perUser.get(parcel.to.userID)
    if (perDevice === undefined) perUser.set(parcel.to.userID, (perDevice = new Map()))
    const last = perDevice.get(parcel.to.deviceID)
    const dueAt = reorder || last === undefined ? drawn : Math.max(drawn, last)
    if (last === undefined || dueAt > last) perDevice.set(parcel.to.deviceID, dueAt)
    return dueAt
  }

  /** Every delivery in flight, held or armed, in the order they were sent. */
  #all(): Flight[] {
    const flights = [...this.#loose.values()]
    for (const batch of this.#armed) for (const flight of batch.flights) if (flight.batch === batch) flights.push(flight)
    return flights.sort((a, b) => a.key - b.key)
  }

  /** Every delivery in flight, in the order they were sent. */
  list(): readonly InFlightDelivery[] {
    return this.#all().map(({ key, parcel, dueAt }) => ({
      id: flightID(key),
      from: parcel.from,
      to: { userID: parcel.to.userID, deviceID: parcel.to.deviceID },
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
    for (const flight of this.#all()) {
      this.#disarm(flight)
      this.#loose.set(flight.key, flight)
    }
  }

  /** Resume automatic delivery; overdue deliveries arrive now, in due-time order. */
  release(): void {
    this.#held = false
    const waiting = [...this.#loose.values()].sort((a, b) => a.dueAt - b.dueAt)
    this.#loose.clear()
    for (const flight of waiting) this.#arm(newBatch([flight]), flight.dueAt)
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
    const copy = this.#launch(flight.parcel, flight.dueAt)
    if (this.#held) this.#loose.set(copy.key, copy)
    else this.#arm(newBatch([copy]), copy.dueAt)
    return flightID(copy.key)
  }

  /** Take back everything in flight to a device (it disconnected); returns the parcels. */
  recall(to: DeviceAddress): Parcel[] {
    const recalled: Parcel[] = []
    for (const flight of this.#all()) {
      if (flight.parcel.to.userID !== to.userID || flight.parcel.to.deviceID !== to.deviceID) continue
      this.#disarm(flight)
      this.#loose.delete(flight.key)
      recalled.push(flight.parcel)
    }
    return recalled
  }

  #launch(parcel: Parcel, dueAt: number): Flight {
    return { key: this.#nextKey++, parcel, dueAt, batch: undefined }
  }

  #arm(batch: Batch, dueAt: number): void {
    for (const flight of batch.flights) flight.batch = batch
    batch.armed = batch.flights.length
    this.#armed.add(batch)
    batch.ticket = this.agenda.schedule(Math.max(0, dueAt - this.clock.now()), () => this.#land(batch))
  }

  /** Deliver what of a batch is still armed; a listener that throws does not stop the others. */
  #land(batch: Batch): void {
    batch.ticket = undefined
    this.#armed.delete(batch)
    let failure: { readonly error: unknown } | undefined
    for (const flight of batch.flights) {
      if (flight.batch !== batch) continue // taken, dropped or recalled meanwhile
      flight.batch = undefined
      batch.armed--
      try {
        this.arrive(flight.parcel)
      } catch (error) {
        failure ??= { error }
      }
    }
    if (failure !== undefined) throw failure.error
  }

  /** Call off a flight's automatic delivery; its batch's task is cancelled once none is left. */
  #disarm(flight: Flight): void {
    const batch = flight.batch
    if (batch === undefined) return
    flight.batch = undefined
    if (--batch.armed === 0 && batch.ticket !== undefined) {
      this.agenda.cancel(batch.ticket)
      batch.ticket = undefined
      this.#armed.delete(batch)
    }
  }

  #find(id: string): Flight {
    const key = /^d\d+$/.test(id) ? Number(id.slice(1)) : undefined
    const flight = key === undefined ? undefined : (this.#loose.get(key) ?? this.#armedFlight(key))
    if (flight === undefined) throw new RangeError(`MemoryIm: no delivery ${JSON.stringify(id)} is in flight`)
    return flight
  }

  /** An armed delivery by number (a test picking one while delivery runs by itself: rare, and few in flight). */
  #armedFlight(key: number): Flight | undefined {
    for (const batch of this.#armed) for (const flight of batch.flights) if (flight.key === key && flight.batch === batch) return flight
    return undefined
  }

  #take(id: string): Flight {
    const flight = this.#find(id)
    this.#disarm(flight)
    this.#loose.delete(flight.key)
    return flight
  }
}
