import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { Deadlines, orderLimit } from '../../src/facade/deadlines.js'

type Op = { readonly op: 'set'; readonly key: string; readonly at: number; readonly deadline: boolean } | { readonly op: 'clear'; readonly key: string } | { readonly op: 'take'; readonly upTo: number }

const key = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h')
/** How many deadlines are set before their orders are numbered again: the real limit, or one a script passes often. */
const limit = fc.oneof(fc.constant(orderLimit), fc.integer({ min: 1, max: 40 }))
const time = fc.integer({ min: 0, max: 50 })
/** The heap's own operations, weighted: sets most, takes least. */
const heapOps = [
  { weight: 5, arbitrary: fc.record({ op: fc.constant('set' as const), key, at: time, deadline: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('clear' as const), key }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('take' as const), upTo: time }) },
] as const
const ops = fc.array(fc.oneof(...heapOps), { maxLength: 300 })

/** What the heap must behave as: each key's time, the order it was set in, its flag. */
type Table = Map<string, { at: number; seq: number; deadline: boolean; held?: boolean }>

/**
 * Applies `step` to the heap and to the table, expecting the heap to answer as the table does; a
 * set is numbered `seq` and marked `held` in the table.
 */
const applyBoth = (heap: Pick<Deadlines, 'set' | 'clear' | 'takeDue' | 'earliest'>, table: Table, step: Op, seq: number, held: boolean): void => {
  if (step.op === 'set') {
    expect(heap.set(step.key, step.at, step.deadline)).toBe(table.get(step.key)?.at)
    table.set(step.key, { at: step.at, seq, deadline: step.deadline, held })
  } else if (step.op === 'clear') {
    expect(heap.clear(step.key)).toBe(table.get(step.key)?.at)
    table.delete(step.key)
  } else {
    const due = [...table].filter(([, d]) => d.at <= step.upTo).sort(([, x], [, y]) => x.at - y.at || x.seq - y.seq).map(([k, d]) => ({ key: k, deadline: d.deadline }))
    for (const { key: k } of due) table.delete(k)
    expect(heap.takeDue(step.upTo)).toEqual(due)
  }
  const times = [...table.values()].map((d) => d.at)
  expect(heap.earliest()).toBe(times.length === 0 ? undefined : Math.min(...times))
}

describe('the deadline heap', () => {
  // Law: it behaves as a table of key -> (time, order set) read in full each time: a take returns
  // exactly the keys due by then, earliest first and, at equal times, in the order they were set,
  // each with the flag it was last set with;
  // a cleared or taken key never comes up again until set again; `earliest` is the smallest time left.
  // All of it holds however often the orders are numbered again.
  test.prop([ops, limit])('takes what is due, in order, as a plain table would', (script: Op[], sets: number) => {
    const heap = new Deadlines<never>({ holderOf: () => undefined, slotOf: () => -1, setSlot: () => undefined }, sets)
    const table: Table = new Map()
    script.forEach((step, seq) => {
      applyBoth(heap, table, step, seq, false)
      expect(heap.size).toBe(table.size)
    })
  })
})

type HolderOp = Op | { readonly op: 'hold'; readonly key: string } | { readonly op: 'forget'; readonly key: string }

const holderOps = fc.array(
  fc.oneof(
    ...heapOps,
    { weight: 1, arbitrary: fc.record({ op: fc.constant('hold' as const), key }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('forget' as const), key }) },
  ),
  { maxLength: 300 },
)

describe('the deadline heap with holders', () => {
  // Law: keys whose holder keeps their record number behave as the plain table above, whether a
  // key's deadline was set before its holder came (`hold` on a key without one: a held message's
  // timer, then its invitation) or after; a holder that goes away (`forget`, or `hold` replacing
  // it: an invitation forgotten, or forgotten and received again) takes with it the deadline set
  // while it held the key, and only that one.
  // `size` may count such a deadline until its record comes up, never less than what is live.
  test.prop([holderOps, limit])('takes what is due, in order, as a plain table would', (script: HolderOp[], sets: number) => {
    const holders = new Map<string, { timerSlot: number }>()
    const heap = new Deadlines({ holderOf: (k) => holders.get(k), slotOf: (h) => h.timerSlot, setSlot: (h, record) => void (h.timerSlot = record) }, sets)
    const table: Table = new Map()
    script.forEach((step, seq) => {
      if (step.op === 'hold' || step.op === 'forget') {
        if (table.get(step.key)?.held === true) table.delete(step.key)
        if (step.op === 'hold') holders.set(step.key, { timerSlot: -1 })
        else holders.delete(step.key)
      } else applyBoth(heap, table, step, seq, step.op === 'set' && holders.has(step.key))
      expect(heap.size).toBeGreaterThanOrEqual(table.size)
    })
    heap.takeDue(Number.POSITIVE_INFINITY)
    expect(heap.size).toBe(0)
  })
})

type DropOp = Op | { readonly op: 'hold'; readonly key: string } | { readonly op: 'leave'; readonly key: string } | { readonly op: 'clearGone' }

const dropOps = fc.array(
  fc.oneof(
    ...heapOps,
    { weight: 2, arbitrary: fc.record({ op: fc.constant('hold' as const), key }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('leave' as const), key }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('clearGone' as const) }) },
  ),
  // Scripts long enough that a key is often held, set and dropped in turn, and the heap rebuilt.
  { minLength: 20, maxLength: 300, size: 'max' },
)

describe('the deadline heap, told of a holder after it went', () => {
  // Law: a holder that goes away (`leave`: the engine forgets an invitation) and has its key
  // cleared through it later (`clearGone`: the clear the engine made as it forgot it, carried out
  // after the step, with timers of other keys set in between) counts its deadline off once: at
  // once if its record is still in the heap, and not again if a rebuild let go of the record
  // meanwhile (its number may be reused by then). The heap behaves as the plain table throughout,
  // and once every holder that went was cleared, `size` is exactly what is live. Cleared by key
  // alone, the deadline stayed counted, and stale records were no longer let go of while it did.
  // As in the engine, a key whose holder went gets no new deadline or holder until that clear.
  test.prop([dropOps, limit])('counts off the deadline of a holder forgotten and cleared', (script: DropOp[], sets: number) => {
    const holders = new Map<string, { timerSlot: number }>()
    const gone = new Map<string, { timerSlot: number }>()
    const heap = new Deadlines({ holderOf: (k) => holders.get(k), slotOf: (h) => h.timerSlot, setSlot: (h, record) => void (h.timerSlot = record) }, sets)
    const table: Table = new Map()
    script.forEach((step, seq) => {
      if (step.op === 'hold') {
        if (!holders.has(step.key) && !gone.has(step.key)) holders.set(step.key, { timerSlot: -1 })
      } else if (step.op === 'leave') {
        const holder = holders.get(step.key)
        if (holder === undefined) return
        holders.delete(step.key)
        gone.set(step.key, holder)
        if (table.get(step.key)?.held === true) table.delete(step.key)
      } else if (step.op === 'clearGone') {
        // The clear disarms the key, as any clear does (a deadline set for it before the holder came goes too).
        for (const [k, holder] of gone) {
          heap.clear(k, holder)
          table.delete(k)
        }
        gone.clear()
      } else if ((step.op === 'set' || step.op === 'clear') && gone.has(step.key)) return
      else applyBoth(heap, table, step, seq, step.op === 'set' && holders.has(step.key))
      if (gone.size === 0) expect(heap.size).toBe(table.size)
      else expect(heap.size).toBeGreaterThanOrEqual(table.size)
    })
  })

  // The same in a flood's shape: each invitation holds its deadline, and the oldest but ten are
  // dropped and cleared as the next comes; ten stay counted, and only those come up.
  test.prop([fc.integer({ min: 100, max: 2_000 })])('counts only the deadlines of the holders kept through a flood', (n: number) => {
    const holders = new Map<string, { timerSlot: number }>()
    const heap = new Deadlines({ holderOf: (k) => holders.get(k), slotOf: (h) => h.timerSlot, setSlot: (h, record) => void (h.timerSlot = record) })
    for (let i = 0; i < n; i++) {
      holders.set(`k${i}`, { timerSlot: -1 })
      heap.set(`k${i}`, 1_000 + i, false)
      if (i >= 10) {
        const old = holders.get(`k${i - 10}`)!
        holders.delete(`k${i - 10}`)
        heap.clear(`k${i - 10}`, old)
      }
    }
    expect(heap.size).toBe(10)
    expect(heap.takeDue(Number.POSITIVE_INFINITY).map((due) => due.key)).toEqual(Array.from({ length: 10 }, (_, k) => `k${n - 10 + k}`))
  })
})
