import { describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { BoundedMap, Listeners } from '../src/listeners.js'

/** The rule as plainly as it can be written: the keys in the order they were last set, the oldest dropped beyond the capacity. */
class Model {
  readonly keys: string[] = []
  readonly values = new Map<string, number>()
  constructor(readonly capacity: number) {}
  set(key: string, value: number): void {
    const at = this.keys.indexOf(key)
    if (at >= 0) this.keys.splice(at, 1)
    this.keys.push(key)
    this.values.set(key, value)
    while (this.keys.length > this.capacity) this.values.delete(this.keys.shift()!)
  }
}

const KEYS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l']
/** A run of sets, mostly of a few keys (so that keys are set again, and again, while held and after being dropped). */
const sets = fc.array(fc.tuple(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...KEYS.slice(0, 3)) }, fc.constantFrom(...KEYS)), fc.integer()), { maxLength: 400, size: 'max' })

describe('BoundedMap', () => {
  test.prop([fc.nat({ max: 8 }), sets], { numRuns: 300 })(
    'after any run of sets, it holds exactly the `capacity` most recently set keys (setting a key again makes it the newest), each with the value it was last set to',
    (capacity, run) => {
      const map = new BoundedMap<string, number>(capacity)
      const model = new Model(capacity)
      const held: unknown[] = []
      const expected: unknown[] = []
      for (const [key, value] of run) {
        map.set(key, value)
        model.set(key, value)
        held.push(KEYS.map((k) => (map.has(k) ? `${k}=${map.get(k)}` : '')))
        expected.push(KEYS.map((k) => (model.values.has(k) ? `${k}=${model.values.get(k)}` : '')))
      }
      expect(held).toEqual(expected)
    },
  )

  test.prop([fc.nat({ max: 8 }), sets], { numRuns: 500 })('however often keys are set again, its queue of keys never holds more than twice the capacity plus 32', (capacity, run) => {
    const map = new BoundedMap<string, number>(capacity)
    for (const [key, value] of run) {
      map.set(key, value)
      expect(map.queued).toBeLessThanOrEqual(2 * capacity + 32)
    }
  })
})

describe('Listeners', () => {
  it('calls the listeners subscribed when an emit began: one added meanwhile hears the next event, one removed meanwhile still hears this one, and one that throws stops none', () => {
    const errors: unknown[] = []
    const listeners = new Listeners<number>((error) => errors.push(error))
    const heard: string[] = []
    let stopB: () => void = () => undefined
    listeners.add((n) => {
      heard.push(`a${n}`)
      if (n === 1) {
        stopB()
        listeners.add((m) => void heard.push(`c${m}`))
      }
    })
    listeners.add(() => {
      throw new Error('listener failed')
    })
    stopB = listeners.add((n) => void heard.push(`b${n}`))
    listeners.emit(1)
    listeners.emit(2)
    expect(heard).toEqual(['a1', 'b1', 'a2', 'c2'])
    expect(errors).toHaveLength(2)
  })
})
