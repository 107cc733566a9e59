/**
 * The engine's timers at one device, as one heap of deadlines behind a single clock timer.
 *
 * The engine arms and clears timers by key (`timer.set` / `timer.clear`); a device holding a
 * thousand pending invitations has a thousand deadlines. A runtime timer per key cost a closure,
 * a handle and the clock's own record each (most of what a pending 1:1 invitation cost a device)
 * and a clock call per arm and per clear (a tenth of a 1:1 lifecycle through the facade, in a CPU
 * profile). Here a deadline is one small record in a binary heap ordered by due time, then by the
 * order it was set in (timers due at once fire in the order they were armed, as separate runtime
 * timers would); the shell keeps one clock timer for the earliest.
 *
 * Clearing is lazy: the key forgets its record and the record stays in the heap until it comes up
 * (or until stale records outnumber live ones, when the heap is rebuilt), so a clear is one `Map`
 * delete and the heap never holds more than about twice the live deadlines.
 *
 * @module
 */

interface Deadline {
  readonly key: string
  readonly at: number
  /** The order deadlines were set in: ties on `at` fire in that order. */
  readonly seq: number
}

const before = (a: Deadline, b: Deadline): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq)

/** Deadlines by key, earliest first. */
export class Deadlines {
  readonly #live = new Map<string, Deadline>()
  #heap: Deadline[] = []
  #seq = 0

  /** Live deadlines. */
  get size(): number {
    return this.#live.size
  }

  /** Sets `key`'s deadline to `at`; returns the time it replaced, if the key had one. */
  set(key: string, at: number): number | undefined {
    const deadline: Deadline = { key, at, seq: this.#seq++ }
    const previous = this.#live.get(key)?.at
    this.#live.set(key, deadline)
    this.#push(deadline)
    if (this.#heap.length > 64 && this.#heap.length > 2 * this.#live.size) this.#rebuild()
    return previous
  }

  /** Forgets `key`'s deadline; returns its time, if it had one. */
  clear(key: string): number | undefined {
    const deadline = this.#live.get(key)
    if (deadline === undefined) return undefined
    this.#live.delete(key)
    return deadline.at
  }

  /** Forgets every deadline. */
  clearAll(): void {
    this.#live.clear()
    this.#heap = []
  }

  /** The earliest live deadline's time, or `undefined` if none is left. */
  earliest(): number | undefined {
    this.#dropStale()
    return this.#heap[0]?.at
  }

  /** Takes out the keys of every live deadline at or before `upTo`, earliest first. */
  takeDue(upTo: number): string[] {
    const due: string[] = []
    for (;;) {
      this.#dropStale()
      const top = this.#heap[0]
      if (top === undefined || top.at > upTo) return due
      this.#pop()
      this.#live.delete(top.key)
      due.push(top.key)
    }
  }

  /** Pops records whose key was cleared or set again since. */
  #dropStale(): void {
    const heap = this.#heap
    while (heap.length > 0 && this.#live.get(heap[0]!.key) !== heap[0]) this.#pop()
  }

  #rebuild(): void {
    this.#heap = [...this.#live.values()].sort((a, b) => (before(a, b) ? -1 : 1))
  }

  #push(deadline: Deadline): void {
    const heap = this.#heap
    let i = heap.length
    heap.push(deadline)
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(deadline, heap[parent]!)) break
      heap[i] = heap[parent]!
      i = parent
    }
    heap[i] = deadline
  }

  #pop(): void {
    const heap = this.#heap
    const last = heap.pop()!
    if (heap.length === 0) return
    let i = 0
    for (;;) {
      const left = 2 * i + 1
      if (left >= heap.length) break
      const right = left + 1
      const child = right < heap.length && before(heap[right]!, heap[left]!) ? right : left
      if (!before(heap[child]!, last)) break
      heap[i] = heap[child]!
      i = child
    }
    heap[i] = last
  }
}
