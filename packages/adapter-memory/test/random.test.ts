import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { chance, integerBetween, mulberry32 } from '../src/random.js'

describe('mulberry32', () => {
  // Law: a seed determines the whole sequence.
  it('gives the same sequence for the same seed', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const [a, b] = [mulberry32(seed), mulberry32(seed)]
        for (let i = 0; i < 20; i++) expect(a.next()).toBe(b.next())
      }),
    )
  })

  it('gives different sequences for different seeds', () => {
    const [a, b] = [mulberry32(1), mulberry32(2)]
    expect([a.next(), a.next()]).not.toEqual([b.next(), b.next()])
  })

  it('stays in [0, 1) and is roughly uniform', () => {
    const random = mulberry32(99)
    const draws = Array.from({ length: 10_000 }, () => random.next())
    expect(draws.every((x) => x >= 0 && x < 1)).toBe(true)
    const mean = draws.reduce((sum, x) => sum + x, 0) / draws.length
    expect(mean).toBeGreaterThan(0.48)
    expect(mean).toBeLessThan(0.52)
  })
})

describe('chance', () => {
  it('never fires at 0 and always fires at 1', () => {
    const random = mulberry32(5)
    for (let i = 0; i < 100; i++) {
      expect(chance(random, 0)).toBe(false)
      expect(chance(random, 1)).toBe(true)
    }
  })
})

describe('integerBetween', () => {
  // Law: the result is a whole number within the (inclusive) bounds.
  it('draws whole numbers within both bounds', () => {
    fc.assert(
      fc.property(fc.integer(), fc.nat(1000), fc.nat(1000), (seed, a, b) => {
        const [min, max] = a <= b ? [a, b] : [b, a]
        const n = integerBetween(mulberry32(seed), min, max)
        expect(Number.isInteger(n) && n >= min && n <= max).toBe(true)
      }),
    )
  })

  it('reaches both bounds', () => {
    const random = mulberry32(3)
    const seen = new Set(Array.from({ length: 200 }, () => integerBetween(random, 1, 3)))
    expect([...seen].sort()).toEqual([1, 2, 3])
  })
})
