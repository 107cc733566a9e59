import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { TimerQueue, type Timer } from '../src/timerQueue.js'

type Op = { readonly kind: 'add'; readonly at: number } | { readonly kind: 'cancel'; readonly pick: number } | { readonly kind: 'pop' }

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 50 }).map((at) => ({ kind: 'add' as const, at })) },
  { weight: 4, arbitrary: fc.nat().map((pick) => ({ kind: 'cancel' as const, pick })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'pop' as const }) },
)

describe('TimerQueue', () => {
  // Law: after any mix of adds, cancels and pops — enough cancels to make the queue rebuild
  // itself without its cancelled timers, many times over — the queue holds exactly the timers
  // added and neither cancelled nor popped, and pops them in (due time, scheduling order).
  it('pops exactly the live timers, by due time then scheduling order, however many were cancelled', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 100, maxLength: 400 }), (ops) => {
        const queue = new TimerQueue()
        const model: Timer[] = []
        const next = (): Timer | undefined => [...model].sort((a, b) => a.at - b.at || a.id - b.id)[0]
        for (const step of ops) {
          if (step.kind === 'add') model.push(queue.add(step.at, () => undefined))
          else if (step.kind === 'cancel' && model.length > 0) queue.cancel(model.splice(step.pick % model.length, 1)[0])
          else if (step.kind === 'pop') {
            const expected = next()
            const popped = queue.take()
            expect(popped === undefined ? undefined : { id: popped.id, at: popped.at }).toEqual(expected === undefined ? undefined : { id: expected.id, at: expected.at })
            if (expected !== undefined) model.splice(model.indexOf(expected), 1)
          }
          expect(queue.size).toBe(model.length)
        }
        expect(queue.peek()?.id).toBe(next()?.id)
        const rest: number[] = []
        for (let timer = queue.take(); timer !== undefined; timer = queue.take()) rest.push(timer.id)
        expect(rest).toEqual([...model].sort((a, b) => a.at - b.at || a.id - b.id).map(({ id }) => id))
      }),
      { numRuns: 60, endOnFailure: true },
    )
  })

  it('keeps order when most timers are cancelled far from the top', () => {
    const queue = new TimerQueue()
    const timers = Array.from({ length: 300 }, (_, k) => queue.add(1_000 - k, () => undefined))
    timers.filter((_, k) => k % 5 !== 0).forEach((timer) => queue.cancel(timer))
    const popped: number[] = []
    for (let timer = queue.take(); timer !== undefined; timer = queue.take()) popped.push(timer.at)
    expect(popped).toEqual(Array.from({ length: 60 }, (_, k) => 1_000 - 295 + 5 * k))
  })

  it('ignores cancelling an unknown, already popped or already cancelled timer, or another queue\'s', () => {
    const queue = new TimerQueue()
    const other = new TimerQueue()
    const timer = queue.add(5, () => undefined)
    const cancelled = queue.add(6, () => undefined)
    const elsewhere = other.add(5, () => undefined)
    queue.cancel(999)
    queue.cancel({ ...timer })
    queue.cancel(elsewhere)
    expect([queue.size, other.size]).toEqual([2, 1])
    queue.cancel(cancelled)
    queue.cancel(cancelled)
    expect(queue.size).toBe(1)
    expect(queue.take()?.id).toBe(timer.id)
    queue.cancel(timer)
    expect(queue.size).toBe(0)
    expect(queue.take()).toBeUndefined()
    expect(other.take()?.id).toBe(elsewhere.id)
  })
})
