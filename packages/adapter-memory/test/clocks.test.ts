import { describe, expect, it } from 'vitest'
import { systemClock } from '@beckon/core'
import { MemoryIm, SkewedClock, VIRTUAL_EPOCH, VirtualClock } from '../src/index.js'
import { realTimeClock } from '../src/clocks.js'
import { record, stored, toUser } from './support.js'

describe('SkewedClock', () => {
  it('reads the base clock plus the offset, drifting from the origin', async () => {
    const base = new VirtualClock()
    const skewed = new SkewedClock(base, { offsetMs: 5_000, drift: 0.01 }, VIRTUAL_EPOCH)
    expect(skewed.now()).toBe(VIRTUAL_EPOCH + 5_000)
    await base.advance(100_000)
    expect(skewed.now()).toBe(VIRTUAL_EPOCH + 101_000 + 5_000)
  })

  it('fires a timer once its own clock has gone the distance', async () => {
    const base = new VirtualClock()
    const skewed = new SkewedClock(base, { drift: 1 }, VIRTUAL_EPOCH) // runs twice as fast
    const start = skewed.now()
    let firedAt: number | undefined
    skewed.setTimeout(() => (firedAt = skewed.now()), 1_000)
    await base.advance(499)
    expect(firedAt).toBeUndefined()
    await base.advance(1)
    expect(firedAt).toBe(start + 1_000)
  })

  it('rejects a drift that would stop or reverse time', () => {
    expect(() => new SkewedClock(new VirtualClock(), { drift: -1 }, 0)).toThrow(RangeError)
    expect(() => new SkewedClock(new VirtualClock(), { offsetMs: Number.NaN }, 0)).toThrow(TypeError)
  })
})

describe('a device with clock skew', () => {
  it('gets a local clock off the server, and an exact server estimate at connect', () => {
    const im = new MemoryIm()
    const bob = im.connect('bob', { clockSkew: { offsetMs: -30_000 } })
    expect(bob.clock).not.toBe(im.clock)
    expect(bob.clock.now()).toBe(im.clock.now() - 30_000)
    expect(bob.serverNow()).toBe(im.clock.now())
  })

  it('lets its server estimate drift until it reconnects', async () => {
    const im = new MemoryIm()
    const bob = im.connect('bob', { clockSkew: { drift: 0.001 } })
    await im.clock.advance(1_000_000)
    expect(bob.serverNow()).toBe(im.clock.now() + 1_000)
    bob.disconnect()
    bob.connect()
    expect(bob.serverNow()).toBe(im.clock.now())
  })

  it('keeps the skew on reconnect through im.connect, and refuses another skew', () => {
    const im = new MemoryIm()
    const skew = { offsetMs: 10 }
    const bob = im.connect('bob', { clockSkew: skew })
    bob.disconnect()
    expect(im.connect('bob', { clockSkew: { offsetMs: 10 } })).toBe(bob)
    expect(() => im.connect('bob', { clockSkew: { offsetMs: 11 } })).toThrow(TypeError)
  })

  it('still stamps messages with the server clock', async () => {
    const im = new MemoryIm()
    const bob = im.connect('bob', { clockSkew: { offsetMs: 999_999 } })
    const alices = record(im.connect('alice'))
    const receipt = await bob.send(toUser('alice'), 'x', stored)
    await im.settle()
    expect(receipt.serverTime).toBe(VIRTUAL_EPOCH)
    expect(alices.messages[0]?.serverTime).toBe(VIRTUAL_EPOCH)
  })
})

describe('real-time mode', () => {
  it('cannot be advanced', async () => {
    await expect(realTimeClock(systemClock).advance(10)).rejects.toThrow(/real clock/)
    await expect(new MemoryIm({ clock: systemClock }).clock.advance(10)).rejects.toThrow(/cannot be advanced/)
  })

  it('delivers on real timers and settles once nothing is in flight', async () => {
    const im = new MemoryIm({ clock: systemClock, network: { latency: 20 } })
    const alice = im.connect('alice')
    const bob = im.connect('bob')
    const bobs = record(bob)
    const before = Date.now()
    const receipt = await alice.send(toUser('bob'), 'real', stored)
    expect(Math.abs(receipt.serverTime - before)).toBeLessThan(1_000)
    await im.settle()
    expect(bobs.payloads()).toEqual(['real'])
    expect(Date.now() - before).toBeGreaterThanOrEqual(19)
  })

  it('catches a reconnecting device up on real timers', async () => {
    const im = new MemoryIm({ clock: systemClock })
    const alice = im.connect('alice')
    const bob = im.connect('bob')
    const bobs = record(bob)
    bob.disconnect()
    await alice.send(toUser('bob'), 'stored', stored)
    bob.connect()
    await im.settle()
    expect(bobs.timeline).toEqual(['state:disconnected', 'state:connecting', 'message:stored', 'state:connected'])
  })

  it('uses a VirtualClock it is given as virtual time', async () => {
    const clock = new VirtualClock(0)
    const im = new MemoryIm({ clock })
    expect(im.clock).toBe(clock)
    await im.clock.advance(10)
    expect(im.connect('alice').serverNow()).toBe(10)
  })
})
