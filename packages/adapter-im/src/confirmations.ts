/**
 * Knowing that the server took what this device sent, without a round trip per message.
 *
 * An XMPP stream is ordered and the server handles a client's stanzas in order, so the answer to
 * an IQ sent behind some messages means the server has processed them — routed, stored, archived,
 * or bounced with an error, which arrives before the answer. One such IQ (a *barrier*) confirms
 * everything sent before it: at most one is in flight, and every send that finishes writing while
 * it is in flight waits for the next, which leaves as soon as the previous one is answered. At low
 * load each send gets its own barrier right behind it (no added latency); under load a device
 * sends one barrier per round trip however many messages it sends. The barrier is an XEP-0202
 * time query, so each one is also a reading of the server's clock, at that same bounded rate.
 *
 * A busy server makes senders wait, not fail, but a server may also leave a query unanswered
 * (ejabberd seemed to, under 10,000 concurrent invitations: its answers sat minutes behind the
 * stanzas queued before them). A barrier unanswered for `retryMs` asks again, after 1, 2, 4, 8, …
 * such periods — a later query, written after the first, confirms all the first one does — and
 * asks for an XEP-0198 acknowledgement, which confirms the same when stream management is on:
 * whichever comes first settles the barrier. A server that sends this device anything meanwhile
 * is alive and working through its queue, and the barrier waits on. One that sends nothing at all
 * for `silentRetries` periods is taken as gone and the connection is dropped. A connection that
 * drops does not fail the sends while its session can be resumed (XEP-0198): the server's
 * acknowledgement on resumption says what it took, and it answers the queries it had not read
 * when they are resent; a stanza whose write failed on the dead connection is written again then
 * (`XmppSession.send`). A new session instead fails them with `Disconnected` (what the server took
 * of them is unknown), and so does a drop without stream management. Memory is bounded by
 * {@link SendConfirmationsOptions.maxPendingSends}.
 *
 * Why not XEP-0198 acks alone: `@xmpp/client` 0.14 requests an ack 250 ms after the last stanza (a
 * quarter second on every send at low load), and not every server offers stream management.
 *
 * @module
 */
import type { Element } from '@xmpp/client'
import { TransportError } from '@beckon/core'
import { errorCondition } from './decode.js'
import { NS_TIME } from './namespaces.js'
import { parseStamp, type ServerClock } from './serverTime.js'
import { IqError, type XmppSession } from './session.js'
import { timeQuery } from './stanzas.js'

export interface SendConfirmationsOptions {
  /** How many sends may await the server's confirmation at once; beyond it `send` fails. */
  readonly maxPendingSends: number
  /** How long a barrier's query may go unanswered before the barrier asks again, in ms. */
  readonly retryMs: number
  /** After how many such periods of hearing nothing at all from the server the connection is dropped. */
  readonly silentRetries: number
}

/** Why a barrier's query was given up: another one settled the barrier. */
const SETTLED = new Error('the barrier was settled by another query or an acknowledgement')

export class SendConfirmations {
  readonly #session: XmppSession
  readonly #clock: ServerClock
  readonly #options: SendConfirmationsOptions
  /** Sends awaiting confirmation, by stanza id: the error condition the server bounced, if any. */
  readonly #bounced = new Map<string, string | undefined>()
  #pending = 0
  #inFlight: Promise<void> | undefined
  /** The barrier that leaves once the one in flight is answered, shared by everyone waiting for it. */
  #next: Promise<void> | undefined

  constructor(session: XmppSession, clock: ServerClock, options: SendConfirmationsOptions) {
    this.#session = session
    this.#clock = clock
    this.#options = options
    session.onStanza((stanza) => this.#onStanza(stanza))
  }

  /** How many sends await the server's confirmation now. */
  get pending(): number {
    return this.#pending
  }

  /**
   * Send `stanzas` (all under the message id `id`) and resolve once the server has processed them;
   * reject with the condition it bounced them with ({@link IqError}), `Disconnected` if the
   * connection drops first, or `Rejected` when `maxPendingSends` sends already wait.
   */
  async send(id: string, stanzas: readonly Element[]): Promise<void> {
    const { maxPendingSends } = this.#options
    if (this.#pending >= maxPendingSends) {
      throw new TransportError('Rejected', `maxPendingSends (${maxPendingSends}) sends already await the XMPP server's confirmation; try again once some are confirmed`)
    }
    this.#pending++
    this.#bounced.set(id, undefined)
    try {
      for (const stanza of stanzas) await this.#session.send(stanza)
      await this.#barrierAfterNow()
      const condition = this.#bounced.get(id)
      if (condition !== undefined) throw new IqError(condition)
    } finally {
      this.#pending--
      this.#bounced.delete(id)
    }
  }

  /** A barrier that leaves after everything written so far: a new one, or the one after the one in flight. */
  #barrierAfterNow(): Promise<void> {
    if (this.#inFlight === undefined) return this.#start()
    this.#next ??= this.#inFlight.then(
      () => this.#start(),
      () => this.#start(),
    )
    return this.#next
  }

  #start(): Promise<void> {
    this.#next = undefined
    const barrier = this.#sendBarrier()
    this.#inFlight = barrier
    const clear = (): void => {
      if (this.#inFlight === barrier) this.#inFlight = undefined
    }
    barrier.then(clear, clear)
    return barrier
  }

  /** Settles once the server answers any of its queries or acknowledges one; see the module documentation. */
  #sendBarrier(): Promise<void> {
    const { retryMs, silentRetries } = this.#options
    const session = this.#session
    const abandon = new AbortController()
    const queries = new Set<Element>()
    return new Promise<void>((resolve, reject) => {
      const settle = (error?: unknown): void => {
        if (abandon.signal.aborted) return
        abandon.abort(SETTLED)
        clearInterval(ticker)
        clearTimeout(lastResort)
        stopAcks()
        stopEvents()
        if (error === undefined) resolve()
        else reject(error instanceof Error ? error : new Error(String(error)))
      }
      const stopAcks = session.onAcknowledged((stanza) => queries.has(stanza) && settle())
      // A drop ends the wait only when the session cannot come back: resumed, it confirms by
      // acknowledging what the server took (the queries among it) or by answering them, resent.
      const lost = (why: string): void => settle(new TransportError('Disconnected', why))
      const stopEvents = session.onEvent((event) => {
        if (event === 'online') lost('the connection dropped and the server did not keep the session: whether it took the message is unknown')
        if (event === 'down' && !session.resumable) lost('the connection dropped before the server confirmed the message')
      })
      const ask = (): void => {
        if (!session.online) return
        const query = timeQuery(session.me.domain)
        queries.add(query)
        this.#query(query, abandon.signal).then(
          () => settle(),
          (error: unknown) => error !== SETTLED && !(error instanceof TransportError && error.reason === 'Disconnected') && settle(error),
        )
      }
      let ticks = 0
      let dropped = false
      let lastResort: ReturnType<typeof setTimeout> | undefined
      const ticker = setInterval(() => {
        const waited = `the XMPP server has not confirmed a send for ${((++ticks * retryMs) / 1000).toFixed(0)} s`
        if (session.online && session.silentForMs() >= silentRetries * retryMs) {
          // The device reconnects; a resumed session confirms as above, a new one fails the sends.
          // Silent again once resumed: the session is no better than a new one.
          session.reportError(new Error(`${waited}, and sent nothing at all for ${(silentRetries * retryMs) / 1000} s: dropping the connection`))
          session.drop()
          const again = dropped
          lastResort = setTimeout(() => (again || !session.resumable) && lost(`${waited}; the connection was dropped`), retryMs)
          dropped = true
        } else if ((ticks & (ticks - 1)) === 0) {
          // After 1, 2, 4, 8, … periods: a busy server is not sent many more.
          session.reportError(new Error(`${waited}; asking again`))
          ask()
          session.requestAcknowledgement()
        }
      }, retryMs)
      ask()
    })
  }

  /** One query; its answer is also a reading of the server's clock. */
  async #query(query: Element, signal: AbortSignal): Promise<void> {
    const sentAt = this.#clock.local()
    try {
      const answer = await this.#session.request(query, signal)
      const stamp = parseStamp(answer.getChild('time', NS_TIME)?.getChildText('utc'))
      if (stamp !== undefined) this.#clock.sample(stamp, sentAt, this.#clock.local())
    } catch (error) {
      // A server without entity time still answered, and so still processed what came before.
      if (!(error instanceof IqError)) throw error
    }
  }

  #onStanza(stanza: Element): void {
    if (!stanza.is('message') || stanza.attrs['type'] !== 'error') return
    const id = stanza.attrs['id']
    if (id !== undefined && this.#bounced.has(id)) this.#bounced.set(id, errorCondition(stanza) ?? 'undefined-condition')
  }
}
