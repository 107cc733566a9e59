/**
 * The engine's timers at one device, as one heap of deadlines behind a single clock timer.
 *
 * The engine arms and clears timers by key (`timer.set` / `timer.clear`); a device holding a
 * thousand pending invitations has a thousand deadlines. A runtime timer per key cost a closure,
 * a handle and the clock's own record each (most of what a pending 1:1 invitation cost a device)
 * and a clock call per arm and per clear (a tenth of a 1:1 lifecycle through the facade, in a CPU
 * profile). Here the shell keeps one clock timer for the earliest deadline, and deadlines are a
 * binary heap ordered by due time, then by the order they were set in (timers due at once fire in
 * the order they were armed, as separate runtime timers would).
 *
 * A deadline is a record in typed columns (its due time and order in `Float64Array`s, whether it
 * needs the server's clock in a `Uint8Array`, its key in a plain array) named by a small integer, and the heap is an `Int32Array` of those numbers: an
 * object per deadline (a record, a boxed time and an array slot) was about 80 bytes of what a
 * pending invitation cost a device, the columns are about 30.
 *
 * Clearing is lazy: the key forgets its record and the record stays in the heap until it comes up
 * (or until stale records outnumber live ones, when the heap is rebuilt), so a clear is one `Map`
 * delete and the heap never holds more than about twice the live deadlines.
 *
 * @module
 */

/** Grows a column to hold at least `n` entries, doubling. */
const grown = (column: Float64Array<ArrayBuffer>, n: number): Float64Array<ArrayBuffer> => {
  if (column.length >= n) return column
  const next = new Float64Array(Math.max(n, column.length * 2))
  next.set(column)
  return next
}

const grownBytes = (column: Uint8Array<ArrayBuffer>, n: number): Uint8Array<ArrayBuffer> => {
  if (column.length >= n) return column
  const next = new Uint8Array(Math.max(n, column.length * 2))
  next.set(column)
  return next
}

const grownInts = (column: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> => {
  if (column.length >= n) return column
  const next = new Int32Array(Math.max(n, column.length * 2))
  next.set(column)
  return next
}

/** A deadline taken out by {@link Deadlines.takeDue}. */
export interface DueTimer {
  readonly key: string
  /** As set: the engine's `timer.set` says whether the server's clock must be read first. */
  readonly deadline: boolean
}

/** Deadlines by key, earliest first. */
export class Deadlines {
  /** The live record of each key. */
  readonly #live = new Map<string, number>()
  // Records, by number: key, due time, order set in, flag. A number is reused once its record left the heap.
  #keys: (string | undefined)[] = []
  #at = new Float64Array(16)
  #seq = new Float64Array(16)
  #deadline = new Uint8Array(16)
  /** Numbers of records that left the heap, for reuse. */
  #free = new Int32Array(16)
  #freeCount = 0
  /** Record numbers in heap order; `#heapSize` of them are in use. */
  #heap = new Int32Array(16)
  #heapSize = 0
  #nextSeq = 0

  /** Live deadlines. */
  get size(): number {
    return this.#live.size
  }

  /** Sets `key`'s deadline to `at`; returns the time it replaced, if the key had one. */
  set(key: string, at: number, deadline: boolean): number | undefined {
    const previous = this.#live.get(key)
    const record = this.#newRecord(key, at, deadline)
    this.#live.set(key, record)
    this.#push(record)
    if (this.#heapSize > 64 && this.#heapSize > 2 * this.#live.size) this.#rebuild()
    return previous === undefined ? undefined : this.#at[previous]
  }

  /** Forgets `key`'s deadline; returns its time, if it had one. */
  clear(key: string): number | undefined {
    const record = this.#live.get(key)
    if (record === undefined) return undefined
    this.#live.delete(key)
    return this.#at[record]
  }

  /** Forgets every deadline. */
  clearAll(): void {
    this.#live.clear()
    this.#keys = []
    this.#freeCount = 0
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
      const deadline = this.#deadline[top] === 1
      this.#pop()
      this.#live.delete(key)
      due.push({ key, deadline })
    }
  }

  #newRecord(key: string, at: number, deadline: boolean): number {
    let record: number
    if (this.#freeCount > 0) record = this.#free[--this.#freeCount]!
    else {
      record = this.#keys.length
      this.#at = grown(this.#at, record + 1)
      this.#seq = grown(this.#seq, record + 1)
      this.#deadline = grownBytes(this.#deadline, record + 1)
    }
    this.#keys[record] = key
    this.#at[record] = at
    this.#deadline[record] = deadline ? 1 : 0
    this.#seq[record] = this.#nextSeq++
    return record
  }

  #release(record: number): void {
    this.#keys[record] = undefined
    this.#free = grownInts(this.#free, this.#freeCount + 1)
    this.#free[this.#freeCount++] = record
  }

  #isLive(record: number): boolean {
    return this.#live.get(this.#keys[record]!) === record
  }

  #before(a: number, b: number): boolean {
    const at = this.#at
    return at[a]! < at[b]! || (at[a] === at[b] && this.#seq[a]! < this.#seq[b]!)
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

  #push(record: number): void {
    this.#heap = grownInts(this.#heap, this.#heapSize + 1)
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
