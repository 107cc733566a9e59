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

describe('reconnection when a session drops before it is fully up', () => {
  /** Every login succeeds; the session is dropped after each (as a failed catch-up does) unless `up` says it is up. */
  const droppingUnlessUp = (isUp: (login: number) => boolean) => {
    const notices: RetryNotice[] = []
    let logins = 0
    const reconnection: Reconnection = new Reconnection(settings, {
      attempt: async () => {
        logins++
        const login = logins
        setTimeout(() => {
          if (isUp(login)) reconnection.up()
          reconnection.start(true) // the session dropped: reconnect after a pause
        }, 1)
      },
      isTerminal: () => false,
      onRetry: (notice) => notices.push(notice),
      onGiveUp: () => undefined,
    })
    return { reconnection, notices, logins: () => logins }
  }

  it('keeps backing off across logins until a session is reported up: a catch-up that keeps failing does not retry at the first pause forever', async () => {
    const run = droppingUnlessUp(() => false)
    run.reconnection.start()
    await until(() => run.notices.length >= 8)
    run.reconnection.stop()
    // Law: each drop of a session never reported up counts as one more failure, numbered on from the last, its pause on the growing scale.
    expect(run.notices.slice(0, 8).map((n) => n.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(run.notices[7]!.delayMs).toBeGreaterThanOrEqual(settings.maxDelayMs / 2)
  })

  it('starts again from the shortest pause once a session was reported up', async () => {
    const run = droppingUnlessUp((login) => login === 6)
    run.reconnection.start()
    await until(() => run.logins() >= 8)
    run.reconnection.stop()
    // Logins 1-5 dropped unconfirmed (notices 1-5); login 6 was up, so its drop is an ordinary one: no notice, and the count starts over.
    expect(run.notices.map((n) => n.attempt).slice(0, 6)).toEqual([1, 2, 3, 4, 5, 1])
    expect(run.notices[5]!.delayMs).toBeLessThanOrEqual(2 * settings.initialDelayMs)
  })
})
