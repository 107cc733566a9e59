import { describe, expect, it } from 'vitest'
import { Reconnection, type RetryNotice } from '../src/reconnection.js'

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
const settings = { initialDelayMs: 4, maxDelayMs: 40 }

/** A reconnection whose attempts fail until `failures` have, recording every notice. */
const failing = (failures: number, terminal = (_: unknown) => false) => {
  const notices: RetryNotice[] = []
  const gaveUp: unknown[] = []
  let attempts = 0
  let online = 0
  const reconnection = new Reconnection(settings, {
    attempt: async () => {
      attempts++
      if (attempts <= failures) throw new Error(`attempt ${attempts} refused`)
      online++
    },
    isTerminal: terminal,
    onRetry: (notice) => notices.push(notice),
    onGiveUp: (error) => gaveUp.push(error),
  })
  return { reconnection, notices, gaveUp, attempts: () => attempts, online: () => online }
}

const until = async (condition: () => boolean): Promise<void> => {
  while (!condition()) await sleep(2)
}

describe('reconnection with backoff', () => {
  it('pauses between failures for growing, random delays under the cap, numbered from 1, and stops once online', async () => {
    const run = failing(30)
    run.reconnection.start()
    run.reconnection.start() // one run at a time: a second start while attempting changes nothing
    await until(() => run.online() === 1)
    const delays = run.notices.map((n) => n.delayMs)
    expect(run.notices.map((n) => n.attempt)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1))
    expect(run.attempts()).toBe(31)
    expect(Math.max(...delays)).toBeLessThanOrEqual(settings.maxDelayMs)
    expect(new Set(delays).size).toBeGreaterThan(1) // jitter: not one fixed delay
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length
    expect(mean(delays.slice(-10))).toBeGreaterThan(mean(delays.slice(0, 3))) // exponential: later pauses are longer
    expect(run.reconnection.running).toBe(false)
  })

  it('gives up at once on a failure no retry can cure', async () => {
    const run = failing(5, (error) => String(error).includes('attempt 1'))
    run.reconnection.start()
    await until(() => run.gaveUp.length === 1)
    await sleep(20)
    expect(run.attempts()).toBe(1)
    expect(run.notices).toEqual([])
    expect(run.reconnection.running).toBe(false)
  })

  it('stop() cancels the pending pause: no attempt follows', async () => {
    const run = failing(1000)
    run.reconnection.start()
    await until(() => run.notices.length >= 3)
    run.reconnection.stop()
    const attempts = run.attempts()
    await sleep(100)
    expect(run.attempts()).toBe(attempts)
    expect(run.reconnection.running).toBe(false)
  })
})
