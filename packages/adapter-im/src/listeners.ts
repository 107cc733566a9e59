/**
 * Small collections the transport keeps: listener sets that survive a throwing listener, and
 * bounded memories (what was delivered, what this user sent) that forget their oldest entries.
 *
 * @module
 */
import type { Unsubscribe } from '@beckon/core'

/** Subscribers to one kind of event. A listener that throws does not stop the others. */
export class Listeners<T> {
  readonly #listeners = new Set<(value: T) => void>()

  constructor(private readonly onError: (error: unknown) => void = () => undefined) {}

  add(listener: (value: T) => void): Unsubscribe {
    this.#listeners.add(listener)
    return () => {
      this.#listeners.delete(listener)
    }
  }

  emit(value: T): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(value)
      } catch (error) {
        this.onError(error)
      }
    }
  }
}

/** A map that keeps only its `capacity` most recently added keys. */
export class BoundedMap<K, V> {
  readonly #entries = new Map<K, V>()

  constructor(private readonly capacity: number) {}

  has(key: K): boolean {
    return this.#entries.has(key)
  }

  get(key: K): V | undefined {
    return this.#entries.get(key)
  }

  set(key: K, value: V): void {
    this.#entries.delete(key)
    this.#entries.set(key, value)
    if (this.#entries.size <= this.capacity) return
    const oldest = this.#entries.keys().next()
    if (oldest.done !== true) this.#entries.delete(oldest.value)
  }
}
