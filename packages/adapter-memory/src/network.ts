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

/** What the server hands the network: one message for some devices (`T`: how the server knows a device). */
export interface Shipment<T extends DeviceAddress> {
  /** The sending user (the links' source). */
  readonly from: string
  readonly message: IncomingMessage
  /** The storage sequence number, for a stored message: it goes back to storage if recalled. */
  readonly seq: number | undefined
  /**
   * The devices it goes to, in delivery order. The network takes the array over (it may keep it
   * and clear its entries as deliveries land): the sender must not touch it after dispatch.
   */
  readonly to: (T | undefined)[]
}

/** One delivery: a shipment's message for one device. */
export interface Parcel<T extends DeviceAddress> {
  readonly from: string
  readonly to: T
  readonly message: IncomingMessage
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

/** A delivery taken out of automatic delivery: held for a test (manual mode), by number. */
interface Flight<T extends DeviceAddress> extends Parcel<T> {
  /** Its number; `d<key>` is the id tests see. */
  readonly key: number
  readonly dueAt: number
}

/**
 * Deliveries of one shipment in one batch with consecutive keys: a device each, no object per
 * delivery. With Tencent's semantics a 1,000-member group's answers put a million deliveries in
 * flight at once, all surviving until they land, and what each one keeps alive is what the
 * garbage collector copies.
 */
interface Run<T extends DeviceAddress> {
  readonly shipment: Shipment<T>
  /** The devices, in delivery order; `undefined` once a delivery left (taken, dropped, recalled or landed). */
  readonly targets: (T | undefined)[]
  /** The key of `targets[0]`; each next one's is one more. */
  readonly firstKey: number
}

/**
 * Deliveries due at the same moment, sharing one scheduled task: a group message to N devices
 * is one task, not N, so the virtual clock drains the microtask queue once per message rather
 * than once per device.
 */
interface Batch<T extends DeviceAddress> {
  readonly dueAt: number
  readonly runs: Run<T>[]
  /** How many of its deliveries it will still deliver. */
  armed: number
  ticket: Ticket | undefined
}

const newBatch = <T extends DeviceAddress>(dueAt: number): Batch<T> => ({ dueAt, runs: [], armed: 0, ticket: undefined })

/** Where a delivery sits in its batch. */
interface Place<T extends DeviceAddress> {
  readonly batch: Batch<T>
  readonly run: Run<T>
  readonly index: number
}

/** Each delivery of a batch still to be delivered, as a flight. */
const flightsOf = <T extends DeviceAddress>(batch: Batch<T>): Flight<T>[] => {
  const flights: Flight<T>[] = []
  for (const { shipment, targets, firstKey } of batch.runs) {
    targets.forEach((target, index) => {
      if (target !== undefined) flights.push({ key: firstKey + index, from: shipment.from, to: target, message: shipment.message, seq: shipment.seq, dueAt: batch.dueAt })
    })
  }
  return flights
}

/**
 * The batches one dispatch fills, in order of first use: one per due time. With the default
 * instant network there is only ever one, found without a map.
 */
class Loading<T extends DeviceAddress> {
  #first: Batch<T> | undefined
  #byDue: Map<number, Batch<T>> | undefined

  add(dueAt: number, key: number, shipment: Shipment<T>, target: T): void {
    const batch = this.#batchFor(dueAt)
    const last = batch.runs[batch.runs.length - 1]
    if (last?.shipment === shipment && last.firstKey + last.targets.length === key) last.targets.push(target)
    else batch.runs.push({ shipment, targets: [target], firstKey: key })
    batch.armed++
  }

  /** A whole shipment due at `dueAt`, its keys from `firstKey` on: its own `to` array becomes the run's. */
  addWhole(dueAt: number, firstKey: number, shipment: Shipment<T>): void {
    const batch = this.#batchFor(dueAt)
    batch.runs.push({ shipment, targets: shipment.to, firstKey })
    batch.armed += shipment.to.length
  }

  /** The batches filled, in order of first use. */
  batches(): Iterable<Batch<T>> {
    return this.#byDue?.values() ?? (this.#first === undefined ? [] : [this.#first])
  }

  #batchFor(dueAt: number): Batch<T> {
    if (this.#first === undefined) return (this.#first = newBatch(dueAt))
    if (this.#first.dueAt === dueAt) return this.#first
    this.#byDue ??= new Map([[this.#first.dueAt, this.#first]])
    let batch = this.#byDue.get(dueAt)
    if (batch === undefined) this.#byDue.set(dueAt, (batch = newBatch(dueAt)))
    return batch
  }
}

/** The id tests see for a delivery. */
const flightID = (key: number): string => `d${key}`

/**
 * Deliveries in flight. Randomness is drawn in a fixed order per delivery (loss, duplication,
 * then one latency per copy), so the same seed and the same sends replay the same run.
 *
 * A delivery on its way lives in its batch only; there is no table of every delivery. Only held
 * deliveries (manual mode) are kept by number, for a test to pick.
 */
export class Network<T extends DeviceAddress> {
  /** Batches waiting to land. */
  readonly #armed = new Set<Batch<T>>()
  /** Deliveries in no batch: held for a test (manual mode), by number. */
  readonly #loose = new Map<number, Flight<T>>()
  /**
   * Latest due time per link (receiving device → sending user), to keep FIFO links in order
   * despite random latency. Only deliveries due later than the moment they were sent are
   * recorded: one due at once can hold back nothing sent after it.
   */
  readonly #lastDue = new Map<T, Map<string, number>>()
  /** The latest due time recorded in `#lastDue`; once time reaches it, no record can hold anything back. */
  #latestDue = Number.NEGATIVE_INFINITY
  #nextKey = 1
  #held = false

  constructor(
    private readonly clock: Clock,
    private readonly agenda: Agenda,
    private readonly links: LinkTable,
    private readonly random: Random,
    private readonly arrive: (message: IncomingMessage, to: T) => void,
  ) {}

  /** Whether automatic delivery is stopped (manual mode). */
  get held(): boolean {
    return this.#held
  }

  /**
   * Send shipments, in order, each delivery on its link: maybe lose it, maybe duplicate it, else
   * schedule its arrival. Deliveries due at the same moment arrive in one step, in this order.
   */
  dispatchAll(shipments: readonly Shipment<T>[]): void {
    const now = this.clock.now()
    const loading = new Loading<T>()
    const instant = this.#instant(now)
    for (const shipment of shipments) {
      if (instant) {
        this.#loadWhole(loading, now, shipment)
        continue
      }
      for (const target of shipment.to as T[]) {
        const link = this.links.resolve(shipment.from, target.userID)
        if (chance(this.random, link.loss)) continue
        const copies = chance(this.random, link.duplicate) ? 2 : 1
        for (let copy = 0; copy < copies; copy++) {
          const drawn = now + integerBetween(this.random, link.latency.min, link.latency.max)
          const dueAt = drawn === now && this.#latestDue <= now ? now : this.#dueAt(shipment.from, target, drawn, link.reorder)
          const key = this.#nextKey++
          if (this.#held) this.#loose.set(key, { key, from: shipment.from, to: target, message: shipment.message, seq: shipment.seq, dueAt })
          else loading.add(dueAt, key, shipment, target)
        }
      }
    }
    for (const batch of loading.batches()) this.#arm(batch)
  }

  /**
   * Whether every delivery sent now is due now, with nothing lost or duplicated: every link is
   * instant and reliable, nothing sent earlier is still due later on any link, and delivery is
   * automatic. Then a shipment goes whole, as one run of its batch.
   */
  #instant(now: number): boolean {
    const link = this.links.uniform
    return link !== undefined && link.latency.max === 0 && link.loss === 0 && link.duplicate === 0 && !this.#held && this.#latestDue <= now
  }

  #loadWhole(loading: Loading<T>, now: number, shipment: Shipment<T>): void {
    // One latency draw per delivery, as on any link (always 0 here), so a seed replays the same
    // run whichever way the deliveries went.
    for (let k = 0; k < shipment.to.length; k++) this.random.next()
    loading.addWhole(now, this.#nextKey, shipment)
    this.#nextKey += shipment.to.length
  }

  #dueAt(from: string, target: T, drawn: number, reorder: boolean): number {
    let bySender = this.#lastDue.get(target)
    if (bySender === undefined) this.#lastDue.set(target, (bySender = new Map()))
    const last = bySender.get(from)
    const dueAt = reorder || last === undefined ? drawn : Math.max(drawn, last)
    if (last === undefined || dueAt > last) bySender.set(from, dueAt)
    if (dueAt > this.#latestDue) this.#latestDue = dueAt
    return dueAt
  }

  /** Every delivery in flight, held or armed, in the order they were sent. */
  #all(): Flight<T>[] {
    const flights = [...this.#loose.values()]
    for (const batch of this.#armed) flights.push(...flightsOf(batch))
    return flights.sort((a, b) => a.key - b.key)
  }

  /** Every delivery in flight, in the order they were sent. */
  list(): readonly InFlightDelivery[] {
    return this.#all().map(({ key, from, to, message, dueAt }) => ({
      id: flightID(key),
      from,
      to: { userID: to.userID, deviceID: to.deviceID },
      messageID: message.messageID,
      payload: message.payload,
      serverTime: message.serverTime,
      conversation: message.conversation,
      modified: message.modified,
      dueAt,
    }))
  }

  /** Stop automatic delivery: what is in flight (and what is sent later) waits for the test. */
  hold(): void {
    this.#held = true
    for (const flight of this.#all()) this.#loose.set(flight.key, flight)
    for (const batch of this.#armed) this.#unload(batch)
  }

  /** Resume automatic delivery; overdue deliveries arrive now, in due-time order. */
  release(): void {
    this.#held = false
    const waiting = [...this.#loose.values()].sort((a, b) => a.dueAt - b.dueAt)
    this.#loose.clear()
    for (const flight of waiting) this.#armAlone(flight)
  }

  /** Deliver one in-flight delivery now. */
  deliver(id: string): void {
    const flight = this.#take(id)
    this.arrive(flight.message, flight.to)
  }

  /** Lose one in-flight delivery for good. */
  drop(id: string): void {
    this.#take(id)
  }

  /** Put a second copy of an in-flight delivery in flight; returns the copy's id. */
  duplicate(id: string): string {
    const flight = this.#find(id)
    const copy: Flight<T> = { ...flight, key: this.#nextKey++ }
    if (this.#held) this.#loose.set(copy.key, copy)
    else this.#armAlone(copy)
    return flightID(copy.key)
  }

  /** Take back everything in flight to a device (it disconnected); returns the deliveries. */
  recall(to: DeviceAddress): Parcel<T>[] {
    const bound = (target: DeviceAddress): boolean => target.userID === to.userID && target.deviceID === to.deviceID
    const recalled = this.#all().filter((flight) => bound(flight.to))
    for (const flight of recalled) this.#loose.delete(flight.key)
    for (const batch of this.#armed) {
      for (const run of batch.runs) {
        run.targets.forEach((target, index) => {
          if (target !== undefined && bound(target)) this.#disarm({ batch, run, index })
        })
      }
    }
    return recalled
  }

  #armAlone(flight: Flight<T>): void {
    const batch = newBatch<T>(flight.dueAt)
    const to = [flight.to]
    batch.runs.push({ shipment: { from: flight.from, message: flight.message, seq: flight.seq, to }, targets: to, firstKey: flight.key })
    batch.armed = 1
    this.#arm(batch)
  }

  #arm(batch: Batch<T>): void {
    this.#armed.add(batch)
    batch.ticket = this.agenda.schedule(Math.max(0, batch.dueAt - this.clock.now()), () => this.#land(batch))
  }

  /** Deliver what of a batch is still armed; a listener that throws does not stop the others. */
  #land(batch: Batch<T>): void {
    batch.ticket = undefined
    this.#armed.delete(batch)
    let failure: { readonly error: unknown } | undefined
    for (const { shipment, targets } of batch.runs) {
      const message = shipment.message
      for (let index = 0; index < targets.length; index++) {
        const target = targets[index]
        if (target === undefined) continue // taken, dropped or recalled meanwhile
        targets[index] = undefined
        batch.armed--
        try {
          this.arrive(message, target)
        } catch (error) {
          failure ??= { error }
        }
      }
    }
    if (failure !== undefined) throw failure.error
  }

  /** Call off an armed delivery's automatic delivery; its batch's task is cancelled once none is left. */
  #disarm({ batch, run, index }: Place<T>): void {
    run.targets[index] = undefined
    if (--batch.armed === 0) this.#unload(batch)
  }

  /** Call off a whole batch (its deliveries are wherever the caller put them). */
  #unload(batch: Batch<T>): void {
    for (const { targets } of batch.runs) targets.fill(undefined)
    batch.armed = 0
    if (batch.ticket !== undefined) this.agenda.cancel(batch.ticket)
    batch.ticket = undefined
    this.#armed.delete(batch)
  }

  #find(id: string): Flight<T> {
    const key = /^d\d+$/.test(id) ? Number(id.slice(1)) : undefined
    const flight = key === undefined ? undefined : (this.#loose.get(key) ?? this.#armedFlight(key))
    if (flight === undefined) throw new RangeError(`MemoryIm: no delivery ${JSON.stringify(id)} is in flight`)
    return flight
  }

  /** Where an armed delivery sits (a test picking one while delivery runs by itself: rare, and few in flight). */
  #armedPlace(key: number): Place<T> | undefined {
    for (const batch of this.#armed) {
      for (const run of batch.runs) {
        const index = key - run.firstKey
        if (index >= 0 && index < run.targets.length && run.targets[index] !== undefined) return { batch, run, index }
      }
    }
    return undefined
  }

  #armedFlight(key: number): Flight<T> | undefined {
    const found = this.#armedPlace(key)
    if (found === undefined) return undefined
    const { batch, run, index } = found
    const { from, message, seq } = run.shipment
    return { key, from, to: run.targets[index]!, message, seq, dueAt: batch.dueAt }
  }

  #take(id: string): Flight<T> {
    const flight = this.#find(id)
    const found = this.#armedPlace(flight.key)
    if (found !== undefined) this.#disarm(found)
    this.#loose.delete(flight.key)
    return flight
  }
}
