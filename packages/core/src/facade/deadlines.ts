/**
 * The engine's timers at one device, as one heap of deadlines behind a single clock timer.
 *
 * The engine arms and clears timers by key (`timer.set` / `timer.clear`); a device holding a
 * thousand pending invitations has a thousand deadlines. A runtime timer per key cost a closure,
 * a handle and the clock's own record each (most of what a pending 1:1 invitation cost a device)
 * and a clock call per arm and per clear (a tenth of a 1:1 lifecycle through the facade, in a CPU
 * profile). Here the shell keeps one clock timer, set no later than the earliest deadline (it is
 * not moved for a deadline cleared or moved later: `shell.ts`), and deadlines are a
 * binary heap ordered by due time, then by the order they were set in (timers due at once fire in
 * the order they were armed, as separate runtime timers would).
 *
 * A deadline is a record in typed columns (its due time in a `Float64Array`; the order it was set
 * in and its flags in one `Int32Array`; its key in a plain array) named by a small integer, and
 * the heap is an `Int32Array` of those numbers: an object per deadline (a record, a boxed time
 * and an array slot) was about 80 bytes of what a pending invitation cost a device, the columns
 * are about 25 (the order in a `Float64Array` of its own and the flags in a `Uint8Array` were 5
 * more). Numbers free for reuse are chained through the order column, not kept in a column of
 * their own. Orders count up to {@link orderLimit} and are then numbered again from 0 in the
 * order the live deadlines come due, which keeps the order they come up in.
 *
 * A key's live record is found through its holder (see {@link Holders}): the invitation with that
 * invite id keeps the number of its record itself, in bits of a field it has anyway. A table of
 * the deadlines' own keyed by the key (a `Map` of key to record) was about 46 bytes of a pending
 * invitation, a second table beside the engine's own by invite id. Keys without a holder
 * (messages held for an invitation not yet known) keep their record in a `Map`, empty in the
 * ordinary run of things.
 *
 * Clearing is lazy: the key forgets its record and the record stays in the heap until it comes up
 * (or until stale records outnumber live ones, when the heap is rebuilt), so a clear is a write
 * and the heap never holds more than about twice the live deadlines. A holder that goes away
 * (the invitation is forgotten) takes its deadline with it: the record turns stale.
 *
 * @module
 */

/**
 * The length a column grows to when it must hold `n` entries: half as long again. Doubling left
 * a column a third empty on average; the copy this costs more often is paid once per entry.
 */
const grownLength = (length: number, n: number): number => Math.max(n, length + (length >> 1))

/** `column`'s entries in the front of `next`, a longer column of the same kind. */
const copied = <C extends Float64Array<ArrayBuffer> | Int32Array<ArrayBuffer>>(column: C, next: C): C => {
  next.set(column)
  return next
}

/** A deadline taken out by {@link Deadlines.takeDue}. */
export interface DueTimer {
  readonly key: string
  /** As set: the engine's `timer.set` says whether the server's clock must be read first. */
  readonly deadline: boolean
}

/** A record number that names no record: a holder's slot when its key has no live record. */
export const noRecord = -1

/**
 * Where the live record of a key is kept when the key has a holder (see the module's doc). The
 * number means something to one `Deadlines` only, and only while the holder is the one its key finds.
 */
export interface Holders<H> {
  /** The holder of `key`, if it has one. */
  readonly holderOf: (key: string) => H | undefined
  /** The number of the live record `holder` keeps, or {@link noRecord}. */
  readonly slotOf: (holder: H) => number
  readonly setSlot: (holder: H, record: number) => void
}

/**
 * A record's flags, the low bits of its order column: set as a deadline (`timer.set`'s flag);
 * counted in `size` (not yet forgotten). The order it was set in is above them.
 */
const DEADLINE = 1
const COUNTED = 2
const FLAGS = 3
const ORDER_SHIFT = 2

/** How many deadlines are set before their orders are numbered again: as many as the order column's bits above the flags hold. */
export const orderLimit = 2 ** 29

/** Deadlines by key, earliest first. */
export class Deadlines<H = never> {
  readonly #holderOf: (key: string) => H | undefined
  readonly #slotOf: (holder: H) => number
  readonly #setSlot: (holder: H, record: number) => void
  /** The live record of each key that has no holder. */
  readonly #unheld = new Map<string, number>()
  #liveCount = 0
  // Records, by number: key, due time, order set in and flags. A number is reused once its record left the heap.
  #keys: (string | undefined)[] = []
  #at = new Float64Array(16)
  /** The order a record was set in, shifted above its flags; for a record that left the heap, the next free number. */
  #order = new Int32Array(16)
  /** The first number of a record that left the heap, for reuse; the rest are chained through `#order`. */
  #free = noRecord
  /** Record numbers in heap order; `#heapSize` of them are in use. */
  #heap = new Int32Array(16)
  #heapSize = 0
  #nextOrder = 0
  readonly #orderLimit: number

  /**
   * Keys for which `holders` finds no holder keep their record in a `Map`. `limit`: how many
   * deadlines are set before their orders are numbered again ({@link orderLimit}; less, to test that).
   */
  constructor(holders: Holders<H>, limit = orderLimit) {
    this.#holderOf = holders.holderOf
    this.#slotOf = holders.slotOf
    this.#setSlot = holders.setSlot
    this.#orderLimit = limit
  }

  /** Live deadlines. */
  get size(): number {
    return this.#liveCount
  }

  /** Sets `key`'s deadline to `at`; returns the time it replaced, if the key had one. */
  set(key: string, at: number, deadline: boolean): number | undefined {
    const holder = this.#holderOf(key)
    const previous = this.#forget(key, holder)
    // Read before a new record is made: renumbering may free the old one for reuse.
    const replaced = previous === noRecord ? undefined : this.#at[previous]
    const record = this.#newRecord(key, at, deadline)
    if (holder !== undefined) this.#setSlot(holder, record)
    else this.#unheld.set(key, record)
    this.#liveCount++
    this.#push(record)
    if (this.#heapSize > 64 && this.#heapSize > 2 * this.#liveCount) this.#rebuild()
    return replaced
  }

  /**
   * Forgets `key`'s deadline; returns its time, if it had one. `holder`: the key's holder when
   * `holderOf` no longer finds it (by default, the one it finds): an invitation dropped in the step
   * that clears its timer still keeps its record's number, and the record is counted off at once.
   * Looked up after it was gone, the record stayed counted, so the heap, which is rebuilt when
   * stale records outnumber live ones, kept it and its key until it came up (the 10 minutes of a
   * tombstone's retention, for every tombstone a flood dropped early).
   */
  clear(key: string, holder?: H): number | undefined {
    const record = this.#forget(key, holder ?? this.#holderOf(key))
    return record === noRecord ? undefined : this.#at[record]
  }

  /** Forgets every deadline. */
  clearAll(): void {
    for (let i = 0; i < this.#heapSize; i++) this.#forget(this.#keys[this.#heap[i]!]!, this.#holderOf(this.#keys[this.#heap[i]!]!))
    this.#unheld.clear()
    this.#liveCount = 0
    this.#keys = []
    this.#free = noRecord
    this.#heapSize = 0
  }

  /** The earliest live deadline's time, or `undefined` if none is left. */
  earliest(): number | undefined {
    this.#dropStale()
    return this.#heapSize === 0 ? undefined : this.#at[this.#heap[0]!]
  }

  /** Takes out every live deadline at or before `upTo`, earliest first. */
  takeDue(upTo: number): DueTimer[] {
    const due: DueTimer[] = []
    for (;;) {
      this.#dropStale()
      if (this.#heapSize === 0) return due
      const top = this.#heap[0]!
      if (this.#at[top]! > upTo) return due
      const key = this.#keys[top]!
      const deadline = (this.#order[top]! & DEADLINE) !== 0
      this.#forget(key, this.#holderOf(key))
      this.#pop()
      due.push({ key, deadline })
    }
  }

  /** The live record of `key` (whose holder is `holder`), or {@link noRecord}. */
  #liveRecord(key: string, holder: H | undefined): number {
    const slot = holder === undefined ? noRecord : this.#slotOf(holder)
    // A holder given after it went away may name a record already let go of (stale: a rebuild
    // released it) and perhaps reused for another key; only a record still under its key is its.
    if (slot !== noRecord && this.#keys[slot] === key) return slot
    return this.#unheld.size === 0 ? noRecord : (this.#unheld.get(key) ?? noRecord)
  }

  /** Makes `key`'s live record stale; returns its number, or {@link noRecord} if it had none. */
  #forget(key: string, holder: H | undefined): number {
    const record = this.#liveRecord(key, holder)
    if (record === noRecord) return noRecord
    if (holder !== undefined && this.#slotOf(holder) === record) this.#setSlot(holder, noRecord)
    else this.#unheld.delete(key)
    this.#order[record] = this.#order[record]! & ~COUNTED
    this.#liveCount--
    return record
  }

  #newRecord(key: string, at: number, deadline: boolean): number {
    if (this.#nextOrder >= this.#orderLimit) this.#renumber()
    let record: number
    if (this.#free !== noRecord) {
      record = this.#free
      this.#free = this.#order[record]!
    } else {
      record = this.#keys.length
      if (record === this.#at.length) {
        const length = grownLength(record, record + 1)
        this.#at = copied(this.#at, new Float64Array(length))
        this.#order = copied(this.#order, new Int32Array(length))
      }
    }
    this.#keys[record] = key
    this.#at[record] = at
    this.#order[record] = (this.#nextOrder++ << ORDER_SHIFT) | (deadline ? DEADLINE | COUNTED : COUNTED)
    return record
  }

  #release(record: number): void {
    // Still counted: its holder went away without a clear reaching it.
    if ((this.#order[record]! & COUNTED) !== 0) this.#liveCount--
    this.#keys[record] = undefined
    this.#order[record] = this.#free
    this.#free = record
  }

  #isLive(record: number): boolean {
    const key = this.#keys[record]!
    return this.#liveRecord(key, this.#holderOf(key)) === record
  }

  #before(a: number, b: number): boolean {
    const at = this.#at
    return at[a]! < at[b]! || (at[a] === at[b] && this.#order[a]! < this.#order[b]!)
  }

  /** Pops records whose key was cleared or set again since. */
  #dropStale(): void {
    while (this.#heapSize > 0 && !this.#isLive(this.#heap[0]!)) this.#pop()
  }

  #rebuild(): void {
    const live: number[] = []
    for (let i = 0; i < this.#heapSize; i++) {
      const record = this.#heap[i]!
      if (this.#isLive(record)) live.push(record)
      else this.#release(record)
    }
    live.sort((a, b) => (this.#before(a, b) ? -1 : 1))
    this.#heap.set(live)
    this.#heapSize = live.length
  }

  /** Numbers the live records' orders from 0 again, in the order they come due (a sorted heap stays one). */
  #renumber(): void {
    this.#rebuild()
    for (let i = 0; i < this.#heapSize; i++) {
      const record = this.#heap[i]!
      this.#order[record] = (i << ORDER_SHIFT) | (this.#order[record]! & FLAGS)
    }
    this.#nextOrder = this.#heapSize
  }

  #push(record: number): void {
    if (this.#heapSize === this.#heap.length) this.#heap = copied(this.#heap, new Int32Array(grownLength(this.#heapSize, this.#heapSize + 1)))
    const heap = this.#heap
    let i = this.#heapSize++
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.#before(record, heap[parent]!)) break
      heap[i] = heap[parent]!
      i = parent
    }
    heap[i] = record
  }

  /** Takes the top record out of the heap and releases its number. */
  #pop(): void {
    const heap = this.#heap
    const top = heap[0]!
    const last = heap[--this.#heapSize]!
    this.#release(top)
    const size = this.#heapSize
    if (size === 0) return
    let i = 0
    for (;;) {
      const left = 2 * i + 1
      if (left >= size) break
      const right = left + 1
      const child = right < size && this.#before(heap[right]!, heap[left]!) ? right : left
      if (!this.#before(heap[child]!, last)) break
      heap[i] = heap[child]!
      i = child
    }
    heap[i] = last
  }
}
