/**
 * What the big-room run's member devices reported through `onError`, by kind: each kind with how
 * often it came, from how many devices, and its first message in full. A kind is the error's name
 * and message with numbers blanked, so `… for 10 s` and `… for 20 s` count as one.
 *
 * @module
 */

/** One kind of error, as {@link ErrorTally.kinds} returns it. */
export interface ErrorKind {
  readonly kind: string
  readonly count: number
  /** How many devices reported it. */
  readonly devices: number
  readonly first: string
}

const describe = (error: unknown): { kind: string; text: string } => {
  const name = error instanceof Error ? error.name : typeof error
  const message = error instanceof Error ? error.message : String(error)
  const text = `${name}: ${message}`
  return { kind: text.replace(/\d+(\.\d+)?/g, '#').slice(0, 160), text }
}

export class ErrorTally {
  readonly #kinds = new Map<string, { count: number; devices: Set<string>; first: string }>()
  readonly #byDevice = new Map<string, Set<string>>()

  /** Record `error`, reported by the device of `userID`. */
  add(userID: string, error: unknown): void {
    const { kind, text } = describe(error)
    const entry = this.#kinds.get(kind) ?? { count: 0, devices: new Set<string>(), first: text }
    entry.count++
    entry.devices.add(userID)
    this.#kinds.set(kind, entry)
    const mine = this.#byDevice.get(userID) ?? new Set<string>()
    mine.add(kind)
    this.#byDevice.set(userID, mine)
  }

  get total(): number {
    let total = 0
    for (const { count } of this.#kinds.values()) total += count
    return total
  }

  /** Every kind, the most frequent first. */
  kinds(): ErrorKind[] {
    return [...this.#kinds]
      .map(([kind, { count, devices, first }]) => ({ kind, count, devices: devices.size, first }))
      .sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind))
  }

  /** The kinds of error the device of `userID` reported. */
  kindsOf(userID: string): string[] {
    return [...(this.#byDevice.get(userID) ?? [])]
  }
}
