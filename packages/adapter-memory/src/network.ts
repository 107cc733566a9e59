/**
 * The simulated server → device leg: every delivery of a message to a device travels here, with
 * the latency, loss and duplication of its link, and can be held for a test to deliver, drop or
 * duplicate by hand (manual mode).
 *
 * @module
 */
import type { Clock, Conversation, IncomingMessage } from '@beckon/core'
import { Task, type Agenda } from './agenda.js'
import type { LinkTable } from './links.js'
import { chance, integerBetween, type Random } from './random.js'

/** One device of one user. */
export interface DeviceAddress {
  readonly userID: string
  readonly deviceID: string
}

/**
 * What the server hands the network: one message for some devices (`T`: how the server knows a
 * device), in a chain of the shipments of one dispatch. The network takes a shipment over: with
 * every delivery due at once it becomes, as it is, a run of the batch that delivers it (an array
 * of shipments, an array of runs, a run and an array of devices grown from empty per message
 * were about a sixth of what the IM allocated per message, by heap sampling). The sender must
 * not touch it after dispatch.
 */
export interface Shipment<T extends DeviceAddress> {
  /** The sending user (the links' source). */
  readonly from: string
  readonly message: IncomingMessage
  /** The storage sequence number, for a stored message: it goes back to storage if recalled. */
  readonly seq: number | undefined
  /**
   * The devices it goes to, in delivery order; as a run, `undefined` where a delivery left
   * (landed, or was taken, dropped or recalled).
   */
  readonly to: (T | undefined)[]
  /** The next shipment of the dispatch; as a run, the next run of its batch. */
  next: Shipment<T> | undefined
  /** As a run: the key of `to[0]`; each next one's is one more. */
  firstKey: number
}

/** A shipment of `message` to `target` (more targets are pushed onto its `to`), in no chain yet. */
export const shipmentTo = <T extends DeviceAddress>(from: string, message: IncomingMessage, seq: number | undefined, target: T): Shipment<T> => ({
  from,
  message,
  seq,
  to: [target],
  next: undefined,
  firstKey: 0,
})

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
 * Deliveries of one message in one batch with consecutive keys: a device each, no object per
 * delivery. With Tencent's semantics a 1,000-member group's answers put a million deliveries in
 * flight at once, all surviving until they land, and what each one keeps alive is what the
 * garbage collector copies.
 */
type Run<T extends DeviceAddress> = Shipment<T>

/**
 * Deliveries due at the same moment, sharing one scheduled task: a group message to N devices
 * is one task, not N, so the virtual clock drains the microtask queue once per message rather
 * than once per device. The batch is that task itself (see agenda.ts).
 */
class Batch<T extends DeviceAddress> extends Task {
  /** Its runs, in delivery order, chained through `next`. */
  first: Run<T> | undefined = undefined
  last: Run<T> | undefined = undefined
  /** How many of its deliveries it will still deliver. */
  armed = 0
  /** Its neighbours in its network's list of armed batches. */
  before: Batch<T> | undefined = undefined
  after: Batch<T> | undefined = undefined

  constructor(
    readonly dueAt: number,
    /** What lands it: its network's `#land`. */
    private readonly lands: (batch: Batch<T>) => void,
  ) {
    super()
  }

  perform(): void {
    this.lands(this)
  }

  append(run: Run<T>): void {
    run.next = undefined
    if (this.last === undefined) this.first = run
    else this.last.next = run
    this.last = run
  }
}

/** Where a delivery sits in its batch. */
interface Place<T extends DeviceAddress> {
  readonly batch: Batch<T>
  readonly run: Run<T>
  readonly index: number
}

/** Each delivery of a batch still to be delivered, as a flight. */
const flightsOf = <T extends DeviceAddress>(batch: Batch<T>): Flight<T>[] => {
  const flights: Flight<T>[] = []
  for (let run = batch.first; run !== undefined; run = run.next) {
    const { from, message, seq, firstKey } = run
    run.to.forEach((target, index) => {
      if (target !== undefined) flights.push({ key: firstKey + index, from, to: target, message, seq, dueAt: batch.dueAt })
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

  constructor(private readonly lands: (batch: Batch<T>) => void) {}

  add(dueAt: number, key: number, shipment: Shipment<T>, target: T): void {
    const batch = this.#batchFor(dueAt)
    const last = batch.last
    // Consecutive deliveries of the same message from the same sender share a run.
    if (last?.message === shipment.message && last.from === shipment.from && last.seq === shipment.seq && last.firstKey + last.to.length === key) {
      last.to.push(target)
    } else {
      const run = shipmentTo(shipment.from, shipment.message, shipment.seq, target)
      run.firstKey = key
      batch.append(run)
    }
    batch.armed++
  }

  /** The batches filled, in order of first use. */
  batches(): Iterable<Batch<T>> {
    return this.#byDue?.values() ?? (this.#first === undefined ? [] : [this.#first])
  }

  #batchFor(dueAt: number): Batch<T> {
    if (this.#first === undefined) return (this.#first = new Batch(dueAt, this.lands))
    if (this.#first.dueAt === dueAt) return this.#first
    this.#byDue ??= new Map([[this.#first.dueAt, this.#first]])
    let batch = this.#byDue.get(dueAt)
    if (batch === undefined) this.#byDue.set(dueAt, (batch = new Batch(dueAt, this.lands)))
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
  /**
   * Batches waiting to land, as a list chained through the batches (a `Set` of them cost an
   * entry added and deleted per message).
   */
  #armedFirst: Batch<T> | undefined = undefined
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
  readonly #lands = (batch: Batch<T>): void => this.#land(batch)

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
   * Send a chain of shipments, in order, each delivery on its link: maybe lose it, maybe
   * duplicate it, else schedule its arrival. Deliveries due at the same moment arrive in one
   * step, in this order.
   */
  dispatch(first: Shipment<T> | undefined): void {
    if (first === undefined) return
    const now = this.clock.now()
    if (this.#instant(now)) return this.#dispatchWhole(now, first)
    const loading = new Loading<T>(this.#lands)
    for (let shipment: Shipment<T> | undefined = first; shipment !== undefined; shipment = shipment.next) {
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

  /** Every shipment due now, whole: one batch, whose runs are the shipments themselves. */
  #dispatchWhole(now: number, first: Shipment<T>): void {
    const batch = new Batch<T>(now, this.#lands)
    batch.first = first
    for (let shipment: Shipment<T> | undefined = first; shipment !== undefined; shipment = shipment.next) {
      const count = shipment.to.length
      // One latency draw per delivery, as on any link (always 0 here), so a seed replays the same
      // run whichever way the deliveries went.
      for (let k = 0; k < count; k++) this.random.next()
      shipment.firstKey = this.#nextKey
      this.#nextKey += count
      batch.armed += count
      batch.last = shipment
    }
    this.#arm(batch)
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
    for (const batch of this.#armedBatches()) flights.push(...flightsOf(batch))
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
    for (const batch of this.#armedBatches()) this.#unload(batch)
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
    for (const batch of this.#armedBatches()) {
      for (let run = batch.first; run !== undefined; run = run.next) {
        run.to.forEach((target, index) => {
          if (target !== undefined && bound(target)) this.#disarm({ batch, run, index })
        })
      }
    }
    return recalled
  }

  #armAlone(flight: Flight<T>): void {
    const batch = new Batch<T>(flight.dueAt, this.#lands)
    const run = shipmentTo(flight.from, flight.message, flight.seq, flight.to)
    run.firstKey = flight.key
    batch.append(run)
    batch.armed = 1
    this.#arm(batch)
  }

  #arm(batch: Batch<T>): void {
    batch.after = this.#armedFirst
    if (batch.after !== undefined) batch.after.before = batch
    this.#armedFirst = batch
    this.agenda.start(batch, Math.max(0, batch.dueAt - this.clock.now()))
  }

  /** Deliver what of a batch is still armed; a listener that throws does not stop the others. */
  #land(batch: Batch<T>): void {
    this.#disarmBatch(batch)
    let failure: { readonly error: unknown } | undefined
    for (let run = batch.first; run !== undefined; run = run.next) {
      const { message, to: targets } = run
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

  /** Take a batch out of the list of armed batches (if it is in it). */
  #disarmBatch(batch: Batch<T>): void {
    const { before, after } = batch
    if (before !== undefined) before.after = after
    else if (this.#armedFirst === batch) this.#armedFirst = after
    if (after !== undefined) after.before = before
    batch.before = batch.after = undefined
  }

  /** The batches waiting to land, most recently armed first. */
  #armedBatches(): Batch<T>[] {
    const batches: Batch<T>[] = []
    for (let batch = this.#armedFirst; batch !== undefined; batch = batch.after) batches.push(batch)
    return batches
  }

  /** Call off an armed delivery's automatic delivery; its batch's task is cancelled once none is left. */
  #disarm({ batch, run, index }: Place<T>): void {
    run.to[index] = undefined
    if (--batch.armed === 0) this.#unload(batch)
  }

  /** Call off a whole batch (its deliveries are wherever the caller put them). */
  #unload(batch: Batch<T>): void {
    for (let run = batch.first; run !== undefined; run = run.next) run.to.fill(undefined)
    batch.armed = 0
    this.agenda.stop(batch)
    this.#disarmBatch(batch)
  }

  #find(id: string): Flight<T> {
    const key = /^d\d+$/.test(id) ? Number(id.slice(1)) : undefined
    const flight = key === undefined ? undefined : (this.#loose.get(key) ?? this.#armedFlight(key))
    if (flight === undefined) throw new RangeError(`MemoryIm: no delivery ${JSON.stringify(id)} is in flight`)
    return flight
  }

  /** Where an armed delivery sits (a test picking one while delivery runs by itself: rare, and few in flight). */
  #armedPlace(key: number): Place<T> | undefined {
    for (const batch of this.#armedBatches()) {
      for (let run = batch.first; run !== undefined; run = run.next) {
        const index = key - run.firstKey
        if (index >= 0 && index < run.to.length && run.to[index] !== undefined) return { batch, run, index }
      }
    }
    return undefined
  }

  #armedFlight(key: number): Flight<T> | undefined {
    const found = this.#armedPlace(key)
    if (found === undefined) return undefined
    const { batch, run, index } = found
    const { from, message, seq } = run
    return { key, from, to: run.to[index]!, message, seq, dueAt: batch.dueAt }
  }

  #take(id: string): Flight<T> {
    const flight = this.#find(id)
    const found = this.#armedPlace(flight.key)
    if (found !== undefined) this.#disarm(found)
    this.#loose.delete(flight.key)
    return flight
  }
}
