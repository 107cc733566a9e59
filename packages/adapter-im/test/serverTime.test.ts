import { describe, expect, it } from 'vitest'
import { messageTime, parseStamp, ServerClock } from '../src/serverTime.js'

describe('parseStamp', () => {
  it('reads whole-second and fractional XEP-0082 stamps with their resolution', () => {
    expect(parseStamp('2026-01-01T00:00:01Z')).toEqual({ ms: Date.UTC(2026, 0, 1, 0, 0, 1), resolutionMs: 1000 })
    expect(parseStamp('2026-01-01T00:00:01.250Z')).toEqual({ ms: Date.UTC(2026, 0, 1, 0, 0, 1, 250), resolutionMs: 1 })
  })

  it('refuses anything else', () => {
    for (const text of [undefined, null, '', 'yesterday', '2026-01-01', '2026-13-45T99:99:99Z']) expect(parseStamp(text)).toBeUndefined()
  })
})

describe('ServerClock', () => {
  it('narrows the offset by readings taken at different phases of the server’s second', () => {
    let local = 10_000
    const clock = new ServerClock(() => local)
    const trueOffset = 1_234_567 // server = local + offset
    const read = (at: number): void => {
      local = at
      const server = at + trueOffset
      clock.sample({ ms: Math.floor(server / 1000) * 1000, resolutionMs: 1000 }, at, at)
    }
    read(10_000)
    expect(clock.uncertaintyMs).toBeLessThanOrEqual(500)
    for (let t = 10_010; t < 11_200; t += 10) read(t)
    expect(clock.uncertaintyMs).toBeLessThanOrEqual(10)
    expect(Math.abs(clock.offsetMs - trueOffset)).toBeLessThanOrEqual(10)
  })

  it('never runs backwards when a reading lowers the offset', () => {
    let local = 0
    const clock = new ServerClock(() => local)
    clock.sample({ ms: 5_000, resolutionMs: 1000 }, 0, 0) // offset in [5000, 6000]
    const before = clock.now()
    clock.sample({ ms: 5_000, resolutionMs: 1000 }, 900, 900) // offset in [4100, 5100] → [5000, 5100]
    local = 1
    expect(clock.now()).toBeGreaterThanOrEqual(before)
  })
})

describe('messageTime', () => {
  const stamp = { ms: 1_000_000, resolutionMs: 1000 }

  it('takes the sender’s time when the server’s stamp agrees, else the stamp', () => {
    expect(messageTime(1_000_400, stamp, 0)).toBe(1_000_400)
    expect(messageTime(1_100_000, stamp, 0)).toBe(1_000_000)
    expect(messageTime(undefined, stamp, 0)).toBe(1_000_000)
  })

  it('for a live message, bounds the sender’s time by the estimate of now', () => {
    expect(messageTime(999_990, undefined, 1_000_000)).toBe(999_990)
    expect(messageTime(1_060_000, undefined, 1_000_000)).toBe(1_000_000) // from the future
    expect(messageTime(900_000, undefined, 1_000_000)).toBe(1_000_000) // implausibly old
  })
})
