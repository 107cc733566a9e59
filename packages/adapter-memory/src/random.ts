/**
 * Seeded randomness for the network simulator. The simulator never reads `Math.random`: the same
 * seed and the same sequence of sends give the same losses, duplicates and latencies, so a failing
 * run can be replayed exactly.
 *
 * @module
 */

/** A deterministic source of numbers in `[0, 1)`. */
export interface Random {
  /** The next number in `[0, 1)`. */
  next(): number
}

/**
 * mulberry32: a 32-bit generator, tiny and fast, with a period of 2^32 — plenty for a test
 * world, and its whole state is one integer, so a seed is all it takes to replay a run.
 *
 * @example
 * ```ts
 * const a = mulberry32(42), b = mulberry32(42)
 * a.next() === b.next() // true
 * ```
 */
export const mulberry32 = (seed: number): Random => {
  let state = seed >>> 0
  return {
    next() {
      state = (state + 0x6d2b79f5) >>> 0
      let t = state
      t = Math.imul(t ^ (t >>> 15), t | 1)
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296
    },
  }
}

/** `true` with probability `p` (so `p = 0` never, `p = 1` always). */
export const chance = (random: Random, p: number): boolean => p > 0 && random.next() < p

/** A whole number drawn uniformly from `min..max`, both included (bounds rounded inwards). */
export const integerBetween = (random: Random, min: number, max: number): number => {
  const low = Math.ceil(min)
  const high = Math.max(low, Math.floor(max))
  return low + Math.floor(random.next() * (high - low + 1))
}
