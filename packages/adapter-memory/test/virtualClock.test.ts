import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { VIRTUAL_EPOCH, VirtualClock } from '../src/virtualClock.js'

describe('VirtualClock time', () => {
  it('starts at the fixed virtual epoch, 2026-01-01T00:00:00Z', () => {
    expect(new VirtualClock().now()).toBe(Date.UTC(2026, 0, 1))
    expect(VIRTUAL_EPOCH).toBe(Date.UTC(2026, 0, 1))
  })

  it('starts where it is told to', () => {
    expect(new VirtualClock(1_000).now()).toBe(1_000)
  })

  it('stands still until advanced', async () => {
    const clock = new VirtualClock()
    let fired = false
    clock.setTimeout(() => (fired = true), 0)
    await Promise.resolve()
    expect(fired).toBe(false)
    expect(clock.now()).toBe(VIRTUAL_EPOCH)
  })

  it('ends an advance at now + ms even when no timer is due', async () => {
    const clock = new VirtualClock()
    await clock.advance(1_234)
    expect(clock.now()).toBe(VIRTUAL_EPOCH + 1_234)
  })

  it('rejects a negative or non-finite advance', async () => {
    const clock = new VirtualClock()
    await expect(clock.advance(-1)).rejects.toThrow(RangeError)
    await expect(clock.advance(Number.NaN)).rejects.toThrow(RangeError)
  })
})

describe('VirtualClock timers', () => {
  it('fires due timers in due-time order, each at its own time', async () => {
    const clock = new VirtualClock()
    const log: [string, number][] = []
    clock.setTimeout(() => log.push(['b', clock.now()]), 20)
    clock.setTimeout(() => log.push(['a', clock.now()]), 10)
    clock.setTimeout(() => log.push(['late', clock.now()]), 31)
    await clock.advance(30)
    expect(log).toEqual([
      ['a', VIRTUAL_EPOCH + 10],
      ['b', VIRTUAL_EPOCH + 20],
    ])
  })

  it('breaks ties by scheduling order', async () => {
    const clock = new VirtualClock()
    const log: number[] = []
    for (const n of [1, 2, 3]) clock.setTimeout(() => log.push(n), 5)
    await clock.advance(5)
    expect(log).toEqual([1, 2, 3])
  })

  it('finishes the promise chain a timer starts before the next timer runs', async () => {
    const clock = new VirtualClock()
    const log: string[] = []
    clock.setTimeout(() => {
      void (async () => {
        await Promise.resolve()
        await Promise.resolve()
        log.push('first chain done')
      })()
    }, 10)
    clock.setTimeout(() => log.push('second timer'), 10)
    await clock.advance(10)
    expect(log).toEqual(['first chain done', 'second timer'])
  })

  // Law: whatever a timer starts that only waits on microtasks — a long await chain, microtasks
  // queued by microtasks, a rejection handled further down a chain — has run to its end before
  // the next timer fires, however deep it goes.
  it('finishes every microtask a timer starts, at any depth, before the next timer runs', async () => {
    const clock = new VirtualClock()
    const log: string[] = []
    const nested = (depth: number, done: () => void): void => queueMicrotask(() => (depth === 0 ? done() : nested(depth - 1, done)))
    // Timers before and after it too: each step of an advance waits the same way, not only the first.
    clock.setTimeout(() => log.push('first timer'), 10)
    clock.setTimeout(() => {
      void (async () => {
        for (let k = 0; k < 1_000; k++) await Promise.resolve()
        log.push('await chain done')
      })()
      nested(1_000, () => log.push('nested microtasks done'))
      void Promise.reject(new Error('later'))
        .then(() => undefined)
        .then(() => undefined)
        .catch(() => log.push('rejection handled'))
    }, 10)
    clock.setTimeout(() => log.push('second timer'), 10)
    await clock.advance(10)
    expect(log[0]).toBe('first timer')
    expect(log.slice(1, 4).sort()).toEqual(['await chain done', 'nested microtasks done', 'rejection handled'])
    expect(log[4]).toBe('second timer')
  })

  it('lets real timers run during an advance that never runs out of due timers', async () => {
    const clock = new VirtualClock()
    let realTimerRan = false
    let virtualTimers = 0
    // Re-armed at the same instant until a real timer has run (or a million times, a thousand
    // turns of the event loop, so that a clock that takes none fails here rather than hangs).
    // The real timer is armed by the first virtual one, so it cannot have run before the advance
    // began: on a busy machine, one armed beforehand could come due before the advance's first
    // step, which then never re-armed.
    const again = (): void => {
      if (virtualTimers++ === 0) setTimeout(() => (realTimerRan = true), 0)
      if (!realTimerRan && virtualTimers < 1_000_000) clock.setTimeout(again, 0)
    }
    clock.setTimeout(again, 0)
    await clock.advance(0)
    expect(realTimerRan).toBe(true)
  })

  it('runs timers armed during the advance when they fall within the window', async () => {
    const clock = new VirtualClock()
    const log: number[] = []
    clock.setTimeout(() => {
      clock.setTimeout(() => log.push(clock.now() - VIRTUAL_EPOCH), 5)
      clock.setTimeout(() => log.push(-1), 100)
    }, 10)
    await clock.advance(20)
    expect(log).toEqual([15])
    expect(clock.pendingTimers).toBe(1)
  })

  it('treats negative and NaN delays as 0', async () => {
    const clock = new VirtualClock()
    const log: string[] = []
    clock.setTimeout(() => log.push('negative'), -5)
    clock.setTimeout(() => log.push('nan'), Number.NaN)
    await clock.advance(0)
    expect(log).toEqual(['negative', 'nan'])
  })

  it('does not fire a cleared timer', async () => {
    const clock = new VirtualClock()
    let fired = false
    const handle = clock.setTimeout(() => (fired = true), 10)
    clock.clearTimeout(handle)
    clock.clearTimeout('not a handle')
    await clock.advance(100)
    expect(fired).toBe(false)
    expect(clock.pendingTimers).toBe(0)
  })

  it('reports the next due time', () => {
    const clock = new VirtualClock()
    expect(clock.nextTimerAt()).toBeUndefined()
    clock.setTimeout(() => undefined, 50)
    expect(clock.nextTimerAt()).toBe(VIRTUAL_EPOCH + 50)
  })

  it('rejects the advance with the error a timer throws, at that timer\'s time', async () => {
    const clock = new VirtualClock()
    clock.setTimeout(() => {
      throw new Error('boom')
    }, 10)
    await expect(clock.advance(50)).rejects.toThrow('boom')
    expect(clock.now()).toBe(VIRTUAL_EPOCH + 10)
    await clock.advance(0) // and the clock is usable again
  })

  it('refuses to start an advance while another is running', async () => {
    const clock = new VirtualClock()
    const first = clock.advance(10)
    await expect(clock.advance(10)).rejects.toThrow(/already running/)
    await first
  })

  // Law: whatever the delays and the order they were armed in, timers fire in (due time,
  // scheduling order) order, each with now() equal to its due time.
  it('fires any set of timers sorted by due time then scheduling order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 100 }), { maxLength: 40 }), async (delays) => {
        const clock = new VirtualClock(0)
        const fired: { index: number; at: number }[] = []
        delays.forEach((delay, index) => clock.setTimeout(() => fired.push({ index, at: clock.now() }), delay))
        await clock.advance(100)
        const expected = delays
          .map((delay, index) => ({ index, at: delay }))
          .sort((a, b) => a.at - b.at || a.index - b.index)
        expect(fired).toEqual(expected)
      }),
      { numRuns: 50 },
    )
  })
})
