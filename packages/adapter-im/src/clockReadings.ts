/**
 * Readings of the server's clock (XEP-0202 entity time), each one narrowing {@link ServerClock}'s
 * bounds. Readings are coalesced: while one is in flight, whoever asks for one shares it, so a
 * device asks the server at most once per round trip however often it is asked. A reading waits
 * for the server up to `limitMs`, then is abandoned: the clock keeps the bounds it has (a reading
 * can only narrow them), and whoever waited — catching up, above all — goes on. It fails when the
 * connection drops.
 *
 * Sends confirmed by a barrier (`confirmations.ts`) read the clock too; this is for the moments
 * nothing is being sent: catching up, calibrating after login, and `syncServerTime`.
 *
 * @module
 */
import { NS_TIME } from './namespaces.js'
import { parseStamp, type ServerClock } from './serverTime.js'
import type { XmppSession } from './session.js'
import { timeQuery } from './stanzas.js'

/** Why a reading was given up: the server took longer than the limit. */
const ABANDONED = new Error('clock reading abandoned')

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

export class ClockReadings {
  #inFlight: Promise<void> | undefined

  constructor(
    private readonly session: XmppSession,
    private readonly clock: ServerClock,
    private readonly limitMs = 10_000,
  ) {}

  /** One reading (or the one in flight); rejects if the connection drops first. */
  read(): Promise<void> {
    if (this.#inFlight !== undefined) return this.#inFlight
    const reading = this.#read()
    this.#inFlight = reading
    const clear = (): void => {
      if (this.#inFlight === reading) this.#inFlight = undefined
    }
    reading.then(clear, clear)
    return reading
  }

  /**
   * Prosody states time in whole seconds: readings taken as the server's second ticks over
   * narrow the offset to a few ms. Reads every few ms for up to 1.5 s (in the background) while
   * `current()` holds and the estimate is still coarse.
   */
  async calibrate(current: () => boolean): Promise<void> {
    const deadline = this.clock.local() + 1_500
    while (current() && this.clock.uncertaintyMs > 5 && this.clock.local() < deadline) {
      await sleep(7)
      if (!current()) return
      await this.read().catch(() => undefined)
    }
  }

  async #read(): Promise<void> {
    const sentAt = this.clock.local()
    const limit = new AbortController()
    const timer = setTimeout(() => limit.abort(ABANDONED), this.limitMs)
    try {
      const answer = await this.session.request(timeQuery(this.session.me.domain), limit.signal)
      const stamp = parseStamp(answer.getChild('time', NS_TIME)?.getChildText('utc'))
      if (stamp !== undefined) this.clock.sample(stamp, sentAt, this.clock.local())
    } catch (error) {
      if (error !== ABANDONED) throw error
      this.session.reportError(new Error(`the XMPP server left a clock reading unanswered for ${this.limitMs / 1000} s; going on with the bounds the clock has`))
    } finally {
      clearTimeout(timer)
    }
  }
}
