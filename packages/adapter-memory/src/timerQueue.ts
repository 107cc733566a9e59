/**
 * The virtual clock's agenda: timers ordered by due time, ties by the order they were scheduled
 * (as real timers with equal deadlines fire). A binary heap, because a long simulated run keeps
 * thousands of timers armed and a sorted array would make every `setTimeout` linear.
 *
 * @module
 */

/** One armed timer. */
export interface Timer {
  readonly id: number
  readonly at: number
  readonly fn: () => void
}

/**
 * A timer in the heap, and the handle its scheduler gets back: cancelling needs no table of
 * live timers (a map entry added and deleted per timer was a measurable share of a message's
 * cost). A cancelled one has lost its callback (so it keeps nothing alive).
 *
 * Work the IM schedules itself (a delivery, see agenda.ts) is a subclass that overrides
 * {@link Slot.run}: the work is its own slot, with no callback or handle besides it (two
 * closures, a ticket and a slot per message were about a fifth of what the IM allocated per
 * message, by heap sampling).
 */
export class Slot {
  /** In the heap and neither taken out nor cancelled. */
  live = false
  /** Scheduling order, given when it is added. */
  id = 0
  /** Due time, given when it is added. */
  at = 0
  /** The queue it was added to: a handle from another queue is not this one's to cancel. */
  queue: TimerQueue | undefined = undefined

  constructor(public fn: (() => void) | undefined = undefined) {}

  /** Do what it was scheduled for, once taken out of the queue; a callback's slot lets go of it first (the handle may outlive the timer). */
  run(): void {
    const fn = this.fn!
    this.fn = undefined
    fn()
  }
}

/** Cancelled timers tolerated in the heap before it is worth rebuilding without them. */
const COMPACT_AFTER = 64

const before = (a: Slot, b: Slot): boolean => a.at < b.at || (a.at === b.at && a.id < b.id)

/**
 * A min-heap of timers with cancellation. Cancelled timers stay in the heap and are skipped
 * when they reach the top (lazy deletion), which keeps `cancel` O(1). A cancelled timer drops
 * its callback at once, and once cancelled timers are most of the heap it is rebuilt without
 * them: an app's timeouts are nearly all cancelled long before they are due, and while time
 * stands still (as in `settle()`) none of them ever reaches the top, so without the rebuild the
 * heap grew by every timeout ever armed.
 */
export class TimerQueue {
  #heap: Slot[] = []
  /** Timers armed (in the heap, not cancelled). */
  #size = 0
  /** Cancelled timers still in the heap. */
  #dead = 0
  #nextID = 1

  /** How many timers are armed (cancelled ones not counted). */
  get size(): number {
    return this.#size
  }

  /** Arm `fn` at absolute time `at`; returns the timer, which is also the handle to cancel it with. */
  add(at: number, fn: () => void): Timer {
    const slot = new Slot(fn)
    this.insert(slot, at)
    return slot as Timer
  }

  /** Arm a slot not in any queue (a fresh one, or one taken out or cancelled) at absolute time `at`. */
  insert(slot: Slot, at: number): void {
    slot.id = this.#nextID++
    slot.at = at
    slot.live = true
    slot.queue = this
    this.#size++
    this.#heap.push(slot)
    this.#up(this.#heap.length - 1)
  }

  /** Disarm a timer; anything else (another queue's timer, one already fired or cancelled) is ignored, as `clearTimeout` does. */
  cancel(handle: unknown): void {
    if (!(handle instanceof Slot) || handle.queue !== this || !handle.live) return
    handle.live = false
    handle.fn = undefined
    this.#size--
    if (++this.#dead > COMPACT_AFTER && this.#dead * 2 > this.#heap.length) this.#compact()
  }

  /** The next live timer, without removing it. */
  peek(): Timer | undefined {
    this.#skipCancelled()
    return this.#heap[0] as Timer | undefined
  }

  /** Remove and return the next live timer's slot: its `run()` does what it was armed for. */
  take(): Slot | undefined {
    this.#skipCancelled()
    const top = this.#heap[0]
    if (top === undefined) return undefined
    this.#removeTop()
    top.live = false
    this.#size--
    return top
  }

  #skipCancelled(): void {
    for (let top = this.#heap[0]; top !== undefined && !top.live; top = this.#heap[0]) {
      this.#removeTop()
      this.#dead--
    }
  }

  /** Rebuild the heap from its live timers (Floyd's bottom-up construction, linear). */
  #compact(): void {
    this.#heap = this.#heap.filter((slot) => slot.live)
    this.#dead = 0
    for (let i = (this.#heap.length >> 1) - 1; i >= 0; i--) this.#down(i)
  }

  #removeTop(): void {
    const last = this.#heap.pop()
    if (last === undefined || this.#heap.length === 0) return
    this.#heap[0] = last
    this.#down(0)
  }

  #up(index: number): void {
    const heap = this.#heap
    const moving = heap[index]!
    let i = index
    while (i > 0) {
      const parent = (i - 1) >> 1
      const above = heap[parent]!
      if (!before(moving, above)) break
      heap[i] = above
      i = parent
    }
    heap[i] = moving
  }

  #down(index: number): void {
    const heap = this.#heap
    const length = heap.length
    const moving = heap[index]!
    let i = index
    for (;;) {
      const left = 2 * i + 1
      if (left >= length) break
      const right = left + 1
      const child = right < length && before(heap[right]!, heap[left]!) ? right : left
      if (!before(heap[child]!, moving)) break
      heap[i] = heap[child]!
      i = child
    }
    heap[i] = moving
  }
}
