import { describe, expect, it } from 'vitest'
import { MemoryIm, VIRTUAL_EPOCH, type LinkSettings } from '../src/index.js'
import { record, stored, toUser } from './support.js'

/** Send `count` numbered messages from alice to bob over a link, then deliver everything. */
const run = async (count: number, network: LinkSettings, seed = 1) => {
  const im = new MemoryIm({ seed, network })
  const alice = im.connect('alice')
  const bob = im.connect('bob')
  const arrivals: { payload: string; at: number }[] = []
  bob.onMessage((m) => arrivals.push({ payload: m.payload, at: im.clock.now() - VIRTUAL_EPOCH }))
  for (let n = 0; n < count; n++) await alice.send(toUser('bob'), `${n}`, stored)
  await im.clock.advance(10_000)
  return arrivals
}

const isSorted = (numbers: readonly number[]): boolean => numbers.every((n, i) => i === 0 || numbers[i - 1]! <= n)

describe('latency', () => {
  it('delivers after exactly the configured latency', async () => {
    const im = new MemoryIm({ network: { latency: 250 } })
    const alice = im.connect('alice')
    const bobs = record(im.connect('bob'))
    await alice.send(toUser('bob'), 'x', stored)
    await im.settle()
    await im.clock.advance(249)
    expect(bobs.payloads()).toEqual([])
    await im.clock.advance(1)
    expect(bobs.payloads()).toEqual(['x'])
  })

  it('draws random latency within its bounds', async () => {
    const arrivals = await run(200, { latency: { min: 10, max: 50 }, reorder: true })
    expect(arrivals.every(({ at }) => at >= 10 && at <= 50)).toBe(true)
    expect(new Set(arrivals.map(({ at }) => at)).size).toBeGreaterThan(20)
  })

  it('keeps a link FIFO despite random latency unless reordering is allowed', async () => {
    const fifo = await run(200, { latency: { min: 0, max: 100 } })
    expect(fifo.map(({ payload }) => Number(payload))).toEqual([...Array(200).keys()])
    const reordered = await run(200, { latency: { min: 0, max: 100 }, reorder: true })
    expect(isSorted(reordered.map(({ payload }) => Number(payload)))).toBe(false)
    expect(reordered).toHaveLength(200)
  })

  it('interleaves deliveries with app timers by time', async () => {
    const im = new MemoryIm({ network: { latency: 100 } })
    const alice = im.connect('alice')
    const bob = im.connect('bob')
    const log: string[] = []
    bob.onMessage((m) => log.push(`message ${m.payload}`))
    bob.clock.setTimeout(() => log.push('timer 50'), 50)
    bob.clock.setTimeout(() => log.push('timer 150'), 150)
    await alice.send(toUser('bob'), 'at 100', stored)
    await im.clock.advance(200)
    expect(log).toEqual(['timer 50', 'message at 100', 'timer 150'])
  })
})

describe('loss and duplication', () => {
  it('loses about the configured fraction of deliveries, for good', async () => {
    const arrivals = await run(2_000, { loss: 0.3 })
    expect(arrivals.length / 2_000).toBeGreaterThan(0.65)
    expect(arrivals.length / 2_000).toBeLessThan(0.75)
  })

  it('duplicates about the configured fraction of deliveries', async () => {
    const arrivals = await run(2_000, { duplicate: 0.2 })
    const extra = arrivals.length - new Set(arrivals.map(({ payload }) => payload)).size
    expect(extra / 2_000).toBeGreaterThan(0.15)
    expect(extra / 2_000).toBeLessThan(0.25)
  })

  it('delivers a duplicate right after its original on a FIFO link', async () => {
    const arrivals = await run(50, { duplicate: 1, latency: { min: 0, max: 30 } })
    const payloads = arrivals.map(({ payload }) => payload)
    expect(payloads).toEqual([...Array(50).keys()].flatMap((n) => [`${n}`, `${n}`]))
  })
})

describe('determinism', () => {
  const chaos: LinkSettings = { latency: { min: 0, max: 200 }, loss: 0.2, duplicate: 0.2, reorder: true }

  it('replays the same run for the same seed', async () => {
    expect(await run(300, chaos, 42)).toEqual(await run(300, chaos, 42))
  })

  it('gives another run for another seed', async () => {
    expect(await run(300, chaos, 42)).not.toEqual(await run(300, chaos, 43))
  })
})

describe('per-link settings', () => {
  it('apply only to the links in their scope, from the next send on', async () => {
    const im = new MemoryIm()
    const [alice, carol] = [im.connect('alice'), im.connect('carol')]
    const bobs = record(im.connect('bob'))
    const daves = record(im.connect('dave'))
    im.setLink({ loss: 1 }, { from: 'alice', to: 'bob' })
    await alice.send(toUser('bob'), 'lost', stored)
    await carol.send(toUser('bob'), 'carol to bob', stored)
    await alice.send(toUser('dave'), 'alice to dave', stored)
    await im.settle()
    expect(bobs.payloads()).toEqual(['carol to bob'])
    expect(daves.payloads()).toEqual(['alice to dave'])
  })

  it('do not touch catch-up, which is reliable', async () => {
    const im = new MemoryIm({ network: { loss: 1 } })
    const alice = im.connect('alice')
    const bob = im.connect('bob')
    const bobs = record(bob)
    bob.disconnect()
    await alice.send(toUser('bob'), 'stored', stored)
    bob.connect()
    await im.settle()
    expect(bobs.payloads()).toEqual(['stored'])
  })
})
