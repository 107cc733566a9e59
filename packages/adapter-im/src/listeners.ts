/**
 * Small collections the transport keeps: listener sets that survive a throwing listener, and
 * bounded memories (what was delivered, what this user sent) that forget their oldest entries.
 *
 * @module
 */
import type { Unsubscribe } from '@beckon/core'

/**
 * Subscribers to one kind of event. A listener that throws does not stop the others. An emit calls
 * the listeners subscribed when it began: one added meanwhile hears the next event, one removed
 * meanwhile still hears this one.
 */
export class Listeners<T> {
  readonly #listeners = new Set<(value: T) => void>()
  /** The listeners as a list, the same one until a listener is added or removed (an emit walks it; no copy per event). */
  #current: readonly ((value: T) => void)[] | undefined

  constructor(private readonly onError: (error: unknown) => void = () => undefined) {}

  add(listener: (value: T) => void): Unsubscribe {
    this.#listeners.add(listener)
    this.#current = undefined
    return () => {
      if (this.#listeners.delete(listener)) this.#current = undefined
    }
  }

  emit(value: T): void {
    const listeners = (this.#current ??= [...this.#listeners])
    for (let k = 0; k < listeners.length; k++) {
      try {
        listeners[k]!(value)
      } catch (error) {
        this.onError(error)
      }
    }
  }
}

/**
 * A map that keeps only its `capacity` most recently set keys (setting a key again makes it the
 * newest). The keys wait in a queue in the order they were set, and the oldest is dropped from
 * its front. (Taking the oldest as the first key of a `Map` instead cost up to tens of
 * microseconds per set once the map was full: V8 leaves a hole where a key was deleted, and a new
 * iterator steps over every hole at the front of the table.) A key set again leaves an earlier
 * copy in the queue, counted in `#stale` and skipped when it reaches the front; the queue is
 * rebuilt without them when it grows past twice the capacity, so it stays within that bound.
 */
export class BoundedMap<K, V> {
  readonly #entries = new Map<K, V>()
  #queue: K[] = []
  #head = 0
  /** Of each key set more than once and still held, how many of its copies in the queue are earlier ones. */
  readonly #stale = new Map<K, number>()

  constructor(private readonly capacity: number) {}

  has(key: K): boolean {
    return this.#entries.has(key)
  }

  get(key: K): V | undefined {
    return this.#entries.get(key)
  }

  /** How many copies of keys wait in the queue: at most twice the capacity plus 32. */
  get queued(): number {
    return this.#queue.length - this.#head
  }

  set(key: K, value: V): void {
    const size = this.#entries.size
    this.#entries.set(key, value)
    if (this.#entries.size === size) this.#stale.set(key, (this.#stale.get(key) ?? 0) + 1)
    this.#queue.push(key)
    while (this.#entries.size > this.capacity) this.#dropOldest()
    if (this.#queue.length - this.#head > 2 * this.capacity + 32) this.#rebuild()
    else if (this.#head > 1024 && 2 * this.#head > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head)
      this.#head = 0
    }
  }

  #dropOldest(): void {
    const oldest = this.#queue[this.#head++] as K
    if (!this.#skipStale(oldest)) this.#entries.delete(oldest)
  }

  /** Whether this copy of `key` is an earlier one (counting it off), not its latest. */
  #skipStale(key: K): boolean {
    const stale = this.#stale.get(key)
    if (stale === undefined) return false
    if (stale === 1) this.#stale.delete(key)
    else this.#stale.set(key, stale - 1)
    return true
  }

  /** The queue without earlier copies: each held key once, where it was last set. */
  #rebuild(): void {
    const latest: K[] = []
    for (let i = this.#head; i < this.#queue.length; i++) {
      const key = this.#queue[i] as K
      if (!this.#skipStale(key)) latest.push(key)
    }
    this.#queue = latest
    this.#head = 0
  }
}
