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

const before = (a: Timer, b: Timer): boolean => a.at < b.at || (a.at === b.at && a.id < b.id)

/**
 * A min-heap of timers with cancellation. Cancelled timers stay in the heap and are skipped
 * when they reach the top (lazy deletion), which keeps `cancel` O(1).
 */
export class TimerQueue {
  readonly #heap: Timer[] = []
  readonly #live = new Set<number>()
  #nextID = 1

  /** How many timers are armed (cancelled ones not counted). */
  get size(): number {
    return this.#live.size
  }

  /** Arm `fn` at absolute time `at`; returns the timer's id. */
  add(at: number, fn: () => void): number {
    const timer: Timer = { id: this.#nextID++, at, fn }
    this.#live.add(timer.id)
    this.#heap.push(timer)
    this.#up(this.#heap.length - 1)
    return timer.id
  }

  /** Disarm a timer; unknown or already fired ids are ignored, as `clearTimeout` does. */
  cancel(id: number): void {
    this.#live.delete(id)
  }

  /** The next live timer, without removing it. */
  peek(): Timer | undefined {
    this.#skipCancelled()
    return this.#heap[0]
  }

  /** Remove and return the next live timer. */
  pop(): Timer | undefined {
    this.#skipCancelled()
    const top = this.#heap[0]
    if (top === undefined) return undefined
    this.#removeTop()
    this.#live.delete(top.id)
    return top
  }

  #skipCancelled(): void {
    for (let top = this.#heap[0]; top !== undefined && !this.#live.has(top.id); top = this.#heap[0]) {
      this.#removeTop()
    }
  }

  #removeTop(): void {
    const last = this.#heap.pop()
    if (last === undefined || this.#heap.length === 0) return
    this.#heap[0] = last
    this.#down(0)
  }

  #up(index: number): void {
    const heap = this.#heap
    for (let i = index; i > 0; ) {
      const parent = (i - 1) >> 1
      const [child, up] = [heap[i]!, heap[parent]!]
      if (!before(child, up)) return
      heap[i] = up
      heap[parent] = child
      i = parent
    }
  }

  #down(index: number): void {
    const heap = this.#heap
    for (let i = index; ; ) {
      const [left, right] = [2 * i + 1, 2 * i + 2]
      let smallest = i
      if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left
      if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right
      if (smallest === i) return
      const moved = heap[i]!
      heap[i] = heap[smallest]!
      heap[smallest] = moved
      i = smallest
    }
  }
}
