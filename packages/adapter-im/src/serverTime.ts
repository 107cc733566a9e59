/**
 * The server's clock, as seen from here. Prosody 0.12 states time in whole seconds (XEP-0202
 * entity time, XEP-0203 delay stamps), so one reading only says the server clock was somewhere in
 * `[stamp, stamp + 1 s)` while the query was in flight. Each reading bounds the offset between the
 * local and the server clock from both sides; intersecting readings taken at different phases of
 * the server's second narrows it to a few ms ({@link ServerClock.sample}).
 *
 * Every message carries `at`, the sender's estimate of the server clock when it sent. A receiver
 * takes it as the message's server time when it agrees with what the server itself certifies (a
 * delay stamp, or for a live message the receiver's own estimate of now), so that sender and
 * receivers measure deadlines from the same instant; otherwise the server's word wins
 * ({@link messageTime}).
 *
 * @module
 */

/** A time the server stated: ms since the epoch, and the resolution it was stated with. */
export interface Stamp {
  readonly ms: number
  readonly resolutionMs: number
}

const STAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/

/** Parse an XEP-0082 DateTime; `undefined` unless well-formed. */
export const parseStamp = (text: string | null | undefined): Stamp | undefined => {
  if (text === null || text === undefined) return undefined
  const match = STAMP.exec(text.trim())
  if (match === null) return undefined
  const ms = Date.parse(text.trim())
  if (!Number.isFinite(ms)) return undefined
  return { ms, resolutionMs: match[7] === undefined ? 1000 : 1 }
}

/** Format ms since the epoch as an XEP-0082 DateTime (for archive queries). */
export const formatStamp = (ms: number): string => new Date(ms).toISOString()

/** The local clock the offset is measured against: monotonic, unlike `Date.now()`. */
export const monotonicNow = (): number => performance.timeOrigin + performance.now()

/**
 * Bounds on `server clock − local clock`, narrowed by every reading. Before the first reading the
 * offset is taken as 0 (same machine or NTP-synchronised hosts).
 */
export class ServerClock {
  #low = Number.NEGATIVE_INFINITY
  #high = Number.POSITIVE_INFINITY
  #last = Number.NEGATIVE_INFINITY

  constructor(private readonly localNow: () => number = monotonicNow) {}

  /** The server said `stamp` in answer to a query sent at local `sentAt` and answered at `receivedAt`. */
  sample(stamp: Stamp, sentAt: number, receivedAt: number): void {
    const low = stamp.ms - receivedAt
    const high = stamp.ms + stamp.resolutionMs - sentAt
    if (low > this.#high || high < this.#low) {
      // The readings contradict each other: one of the clocks jumped. Start over from this one.
      this.#low = low
      this.#high = high
      return
    }
    this.#low = Math.max(this.#low, low)
    this.#high = Math.min(this.#high, high)
  }

  get calibrated(): boolean {
    return Number.isFinite(this.#low) && Number.isFinite(this.#high)
  }

  /** Half the width of the offset's bounds: how far off {@link now} may be. */
  get uncertaintyMs(): number {
    return this.calibrated ? (this.#high - this.#low) / 2 : Number.POSITIVE_INFINITY
  }

  get offsetMs(): number {
    return this.calibrated ? (this.#low + this.#high) / 2 : 0
  }

  /**
   * The estimate of the server's clock now, in whole ms. It never runs backwards: when a reading
   * lowers the offset, the estimate holds still until real time catches up, so stamps taken one
   * after another stay in order.
   */
  now(): number {
    this.#last = Math.max(this.#last, Math.round(this.localNow() + this.offsetMs))
    return this.#last
  }

  local(): number {
    return this.localNow()
  }
}

/** How far a sender's `at` may stray from what the server certifies before it is ignored. */
export interface TimeTolerance {
  /** Slack on either side of a server stamp, and ahead of the receiver's estimate. Default 1500 ms. */
  readonly skewMs: number
  /** How long a live message may have been in flight. Default 10 s. */
  readonly lagMs: number
}

export const defaultTolerance: TimeTolerance = { skewMs: 1500, lagMs: 10_000 }

/**
 * The server time of a message: the sender's claim when the server's own evidence allows it,
 * else that evidence (the delay stamp, or for a live message the estimate of now).
 */
export const messageTime = (claimed: number | undefined, stamp: Stamp | undefined, estimateNow: number, tolerance: TimeTolerance = defaultTolerance): number => {
  if (stamp !== undefined) {
    const fits = claimed !== undefined && claimed >= stamp.ms - tolerance.skewMs && claimed < stamp.ms + stamp.resolutionMs + tolerance.skewMs
    return fits ? claimed : stamp.ms
  }
  const fits = claimed !== undefined && claimed <= estimateNow + tolerance.skewMs && claimed >= estimateNow - tolerance.lagMs
  return fits ? claimed : estimateNow
}
