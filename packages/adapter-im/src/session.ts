/**
 * One XMPP connection for one device: login, automatic reconnection, and the two primitives
 * everything else is built on (send a stanza, ask an IQ). The rest of the adapter never touches
 * `@xmpp/client` directly, so its exceptions and events stop here.
 *
 * @module
 */
import type { Authenticate, Client, ClientOptions, Element } from '@xmpp/client'
import { xml } from '@xmpp/xml'
import { TransportError } from '@beckon/core'
import { countFromEnabled } from './ackCounter.js'
import { errorCondition } from './decode.js'
import { parseAddress, type Address } from './jid.js'
import { NS_SM } from './namespaces.js'
import { Reconnection, type BackoffSettings, type RetryNotice } from './reconnection.js'
import { oneRestartPerStream } from './restartGuard.js'
import { whenResumed } from './resumption.js'
import { dropDataAfterStream } from './streamGuard.js'

/**
 * Builds the `@xmpp/client` entity: the full client in Node, a WebSocket-only one in browsers.
 * Either way its own fixed-delay reconnection is off: {@link Reconnection} does it.
 */
export type ClientFactory = (options: ClientOptions) => Client

/** How to reach and log in to the server. */
export interface SessionOptions {
  /** `xmpp://host:port` (plain TCP, STARTTLS when offered) or `xmpps://…`, `ws(s)://…`. */
  readonly service: string
  /** The XMPP domain of the account. */
  readonly domain: string
  readonly username: string
  readonly password: string
  /** The resource to bind: the device. */
  readonly resource: string
  /**
   * SASL mechanism: `'PLAIN'` is one round trip, SCRAM costs ~0.8 s a login in Prosody.
   * Default: PLAIN on loopback or an encrypted stream, else the server's strongest offer.
   */
  readonly mechanism?: string
  readonly createClient: ClientFactory
  /** How the pauses between failed connection attempts grow. */
  readonly backoff: BackoffSettings
  /** A connection attempt failed, or a session dropped before {@link XmppSession.up}; the next attempt is in `delayMs`. */
  readonly onRetry?: (notice: RetryNotice) => void
  /** How long an IQ may wait for its answer. Default 10 s. */
  readonly iqTimeoutMs?: number
  /**
   * How long opening or closing a stream may take. Default 15 s: @xmpp/connection's own 2 s is
   * too short for a busy server, and a login that times out only comes back as another login on
   * the same busy server.
   */
  readonly streamTimeoutMs?: number
  /** Where library errors go (they never throw out of the adapter). */
  readonly onError?: (error: unknown) => void
}

/** What happened to the connection. `online`: a new session; `resumed`: XEP-0198 resumed the old one. */
export type SessionEvent = 'online' | 'resumed' | 'down'

/** The server refused to authenticate this account (a SASL failure): retrying cannot help. */
export class AuthenticationError extends Error {
  override readonly name = 'AuthenticationError'
  constructor(
    /** The SASL condition: `not-authorized`, `account-disabled`, `credentials-expired`, … */
    readonly condition: string,
    message: string,
  ) {
    super(message)
  }
}

const saslCondition = (error: unknown): string | undefined => {
  const { name, condition } = (error ?? {}) as { name?: unknown; condition?: unknown }
  return name === 'SASLError' ? (typeof condition === 'string' ? condition : 'undefined-condition') : undefined
}

/** An IQ came back with an error: its defined condition (`item-not-found`, `forbidden`, …). */
export class IqError extends Error {
  override readonly name = 'IqError'
  constructor(readonly condition: string) {
    super(condition)
  }
}

let requests = 0

/**
 * How many times {@link XmppSession.send} writes a stanza again after a failed write, each time in
 * a resumed session.
 */
const MAX_REWRITES = 2

const isLoopback = (service: string): boolean => /^[a-z]+:\/\/(127\.|localhost|\[::1\])/i.test(service)

export class XmppSession {
  readonly me: Address
  readonly #client: Client
  readonly #options: SessionOptions
  readonly #stanzaListeners = new Set<(stanza: Element) => void>()
  readonly #eventListeners = new Set<(event: SessionEvent) => void>()
  readonly #refusalListeners = new Set<(refusal: AuthenticationError) => void>()
  readonly #reconnection: Reconnection
  #stopped = true
  /** When the server last sent anything (`performance.now()`), or the session last came up. */
  #heardAt = 0
  #refusal: AuthenticationError | undefined

  constructor(options: SessionOptions) {
    this.#options = options
    const me = parseAddress(`${options.username}@${options.domain}/${options.resource}`)
    if (me === undefined) throw new TransportError('Rejected', `not a valid JID: ${options.username}@${options.domain}/${options.resource}`)
    this.me = me
    this.#client = options.createClient({
      service: options.service,
      domain: options.domain,
      resource: options.resource,
      credentials: (authenticate, mechanisms) => this.#authenticate(authenticate, mechanisms),
      timeout: options.streamTimeoutMs ?? 15_000,
    })
    dropDataAfterStream(this.#client)
    oneRestartPerStream(this.#client)
    countFromEnabled(this.#client)
    this.#client.on('error', (error: unknown) => options.onError?.(error))
    this.#client.on('stanza', (stanza: Element) => this.#dispatch(stanza))
    this.#client.on('element', () => (this.#heardAt = performance.now()))
    this.#client.on('status', (status: string) => this.#onStatus(status))
    // @xmpp/stream-management marks the connection online only after telling of the resumption:
    // tell ours once it is, so that what listeners send then (the facade's held-back messages,
    // answers to the rings it presents) finds the session online instead of waiting for the next.
    this.#client.streamManagement.on('resumed', () => queueMicrotask(() => this.#emit('resumed')))
    this.#reconnection = new Reconnection(options.backoff, {
      attempt: () => this.#attempt(),
      isTerminal: (error) => saslCondition(error) !== undefined,
      onRetry: (notice) => options.onRetry?.(notice),
      onGiveUp: (error) => void this.#refused(error),
    })
  }

  get online(): boolean {
    return this.#client.status === 'online'
  }

  /** Why the server refused this account, once it has (the session then stays stopped). */
  get refusal(): AuthenticationError | undefined {
    return this.#refusal
  }

  onStanza(listener: (stanza: Element) => void): () => void {
    this.#stanzaListeners.add(listener)
    return () => this.#stanzaListeners.delete(listener)
  }

  onEvent(listener: (event: SessionEvent) => void): () => void {
    this.#eventListeners.add(listener)
    return () => this.#eventListeners.delete(listener)
  }

  /** The server refused the credentials, and the session stopped trying. */
  onRefused(listener: (refusal: AuthenticationError) => void): () => void {
    this.#refusalListeners.add(listener)
    return () => this.#refusalListeners.delete(listener)
  }

  /** Connect; keeps trying in the background, with backoff, until online or refused. */
  start(): void {
    this.#stopped = false
    this.#refusal = undefined
    this.#reconnection.start()
  }

  /**
   * The session is fully up (caught up, `connected`): only now does a later drop start backing off
   * from the shortest pause again. A session that drops before this counts as a failed login.
   */
  up(): void {
    this.#reconnection.up()
  }

  /** Close the stream cleanly and stop reconnecting. */
  async stop(): Promise<void> {
    this.#stopped = true
    this.#reconnection.stop()
    await this.#close()
  }

  /**
   * Whether a dropped connection may come back as the same session (XEP-0198 resumption): stream
   * management gave it an id and the session is not stopping. The server's acknowledgement on
   * resumption then says what it took of what was sent before the drop.
   */
  get resumable(): boolean {
    return !this.#stopped && this.#client.streamManagement.id !== ''
  }

  /** How long the server has sent nothing at all on this connection, in ms. */
  silentForMs(): number {
    return performance.now() - this.#heardAt
  }

  /** Report an error that did not fail an operation (a missing server feature, say). */
  reportError(error: unknown): void {
    this.#options.onError?.(error)
  }

  /** Drop the TCP connection without a goodbye, as a network failure would (tests). */
  drop(): void {
    const socket = this.#client.socket as { destroy?: () => void; end?: () => void } | null
    if (socket?.destroy !== undefined) socket.destroy()
    else socket?.end?.()
  }

  /**
   * Write `stanza`. A write that fails because the connection is gone (the server reset it as the
   * stanza went out, say), or that finds it gone, waits while the session can be resumed
   * (XEP-0198) and writes the stanza again in the resumed session: the server never read the
   * failed write, and the library's queue of unacknowledged stanzas, which it sends again on
   * resumption, holds only completed writes, so the stanza reaches the server once. Rejects with
   * `TransportError('Disconnected')` when the session cannot be resumed (a new one starts, or it
   * stops), and when the writes again failed too (a stanza whose every write breaks the
   * connection).
   */
  async send(stanza: Element): Promise<void> {
    for (let rewrites = 0; ; rewrites++) {
      const failure = await this.#write(stanza)
      if (failure === undefined) return
      if (!this.resumable || rewrites === MAX_REWRITES) throw failure
      // Still online after a failed write: the library has not read the socket's end yet. It is
      // dead; drop it, so that the library reports it and reconnects whatever it reads next.
      if (this.online) this.drop()
      await whenResumed(this)
    }
  }

  /** One write: `undefined` once written, else why it failed. */
  async #write(stanza: Element): Promise<TransportError | undefined> {
    if (!this.online) return new TransportError('Disconnected', 'not connected to the XMPP server')
    try {
      await this.#client.send(stanza)
      return undefined
    } catch {
      return new TransportError('Disconnected', 'the connection to the XMPP server failed while sending')
    }
  }

  /** Send an IQ and wait for its result; rejects with {@link IqError} or `TransportError('Disconnected')`. */
  async iq(stanza: Element, timeoutMs = this.#options.iqTimeoutMs ?? 10_000): Promise<Element> {
    if (!this.online) throw new TransportError('Disconnected', 'not connected to the XMPP server')
    try {
      return await this.#client.iqCaller.request(stanza, timeoutMs)
    } catch (error) {
      const condition = (error as { condition?: unknown } | null)?.condition
      if (typeof condition === 'string' && (error as { name?: unknown }).name === 'StanzaError') throw new IqError(condition)
      throw new TransportError('Disconnected', `no answer from the XMPP server: ${String(error)}`)
    }
  }

  /**
   * Send an IQ and wait for its answer for as long as this session lasts, or until `signal`
   * aborts: no timer of its own, so a busy server makes the caller wait rather than fail. Rejects
   * with {@link IqError}, with `TransportError('Disconnected')` once the connection drops, or with
   * the signal's reason.
   */
  async request(stanza: Element, signal?: AbortSignal): Promise<Element> {
    if (!this.online) throw new TransportError('Disconnected', 'not connected to the XMPP server')
    const id = (stanza.attrs['id'] ??= `r${++requests}-${Date.now().toString(36)}`)
    let unsubscribe = (): void => undefined
    const answer = new Promise<Element>((resolve, reject) => {
      const stopStanzas = this.onStanza((reply) => {
        if (!reply.is('iq') || reply.attrs['id'] !== id || (reply.attrs['type'] !== 'result' && reply.attrs['type'] !== 'error')) return
        if (reply.attrs['type'] === 'result') resolve(reply)
        else reject(new IqError(errorCondition(reply) ?? 'undefined-condition'))
      })
      const stopEvents = this.onEvent((event) => {
        if (event === 'down') reject(new TransportError('Disconnected', 'the connection dropped before the server answered'))
      })
      const abort = (): void => reject(signal?.reason)
      signal?.addEventListener('abort', abort)
      unsubscribe = () => {
        stopStanzas()
        stopEvents()
        signal?.removeEventListener('abort', abort)
      }
    })
    // The connection may drop while the query is still being written: that rejection is read below.
    answer.catch(() => undefined)
    try {
      signal?.throwIfAborted()
      // Written once: a drop rejects the answer already, whatever becomes of the session.
      const failure = await this.#write(stanza)
      if (failure !== undefined) throw failure
      return await answer
    } finally {
      unsubscribe()
    }
  }

  /**
   * The server acknowledged (XEP-0198) that it handled `stanza`, which this session sent, and
   * everything sent before it. Only while stream management is on; the listener is called with
   * every acknowledged stanza.
   */
  onAcknowledged(listener: (stanza: Element) => void): () => void {
    const management = this.#client.streamManagement
    management.on('ack', listener)
    return () => management.off('ack', listener)
  }

  /** Ask the server to acknowledge what it handled so far (XEP-0198), when stream management is on. */
  requestAcknowledgement(): void {
    if (!this.online || !this.#client.streamManagement.enabled) return
    this.#client.send(xml('r', { xmlns: NS_SM })).catch(() => undefined)
  }

  #authenticate(authenticate: Authenticate, mechanisms: string[]): Promise<void> {
    // A TLS socket says `encrypted`; @xmpp/websocket's says `secure` (wss://, or loopback).
    const socket = this.#client.socket as { encrypted?: boolean; secure?: boolean } | null
    const secure = socket?.encrypted === true || socket?.secure === true
    const wanted = this.#options.mechanism ?? (secure || isLoopback(this.#options.service) ? 'PLAIN' : undefined)
    const mechanism = wanted !== undefined && mechanisms.includes(wanted) ? wanted : (mechanisms.find((m) => m !== 'PLAIN') ?? mechanisms[0] ?? 'PLAIN')
    return authenticate({ username: this.#options.username, password: this.#options.password }, mechanism)
  }

  #onStatus(status: string): void {
    // Else each round trip waits ~44 ms (Nagle + delayed ACK). A WebSocket has no such switch.
    if (status === 'connect') (this.#client.socket as { setNoDelay?: (on: boolean) => void } | null)?.setNoDelay?.(true)
    if (status === 'online') {
      this.#heardAt = performance.now()
      this.#emit('online')
    }
    if (status === 'disconnect' || status === 'offline') {
      this.#emit('down')
      // Not from inside the library's status change: its `disconnect` event is still to come.
      if (status === 'disconnect' && !this.#stopped) queueMicrotask(() => this.#stopped || this.#reconnection.start(true))
    }
  }

  /**
   * One attempt to get online: a new stream on a fresh connection (login, then XEP-0198
   * resumption of the old session when the server still holds it, else a new session).
   */
  async #attempt(): Promise<void> {
    const client = this.#client
    const outcome = this.#nextOutcome()
    try {
      // Not `client.start()`: its wait for `online` has no timer, and is left to reject unhandled
      // on a later error when opening the stream fails. The outcome's timer bounds the whole login.
      const opening = (async () => {
        await client.connect(this.#options.service)
        await client.open({ domain: this.#options.domain })
      })()
      opening.catch(() => undefined) // what fails it fails the outcome too, or comes after giving up
      await Promise.race([opening, outcome.settled])
      await outcome.settled
    } catch (error) {
      // A refused login leaves the stream open, waiting for another try: close it.
      if (client.status !== 'disconnect' && client.status !== 'offline') await client.disconnect().catch(() => undefined)
      throw error
    } finally {
      outcome.dispose()
    }
  }

  /** Settles once the attempt under way is online (or resumed), or has failed. */
  #nextOutcome(): { settled: Promise<void>; dispose: () => void } {
    const client = this.#client
    let dispose = (): void => undefined
    const settled = new Promise<void>((resolve, reject) => {
      const online = (): void => resolve()
      const failed = (error: unknown): void => reject(error instanceof Error ? error : new Error(String(error)))
      const lost = (): void => reject(new TransportError('Disconnected', 'the connection closed before the session was up'))
      const timer = setTimeout(() => reject(new TransportError('Disconnected', 'logging in took too long')), client.timeout * 2)
      client.on('online', online)
      client.streamManagement.on('resumed', online)
      client.on('error', failed)
      client.on('disconnect', lost)
      dispose = () => {
        clearTimeout(timer)
        client.off('online', online)
        client.streamManagement.off('resumed', online)
        client.off('error', failed)
        client.off('disconnect', lost)
      }
    })
    settled.catch(() => undefined) // the attempt may fail before it awaits this
    return { settled, dispose }
  }

  async #refused(error: unknown): Promise<void> {
    const condition = saslCondition(error) ?? 'undefined-condition'
    const refusal = new AuthenticationError(condition, `the XMPP server refused to log in ${this.me.bare} (SASL ${condition}): check the userID and password`)
    this.#refusal = refusal
    this.#stopped = true
    await this.#close()
    for (const listener of [...this.#refusalListeners]) listener(refusal)
  }

  async #close(): Promise<void> {
    try {
      await this.#client.stop()
    } catch (error) {
      this.#options.onError?.(error)
    }
  }

  #emit(event: SessionEvent): void {
    for (const listener of [...this.#eventListeners]) {
      try {
        listener(event)
      } catch (error) {
        this.#options.onError?.(error)
      }
    }
  }

  #dispatch(stanza: Element): void {
    for (const listener of [...this.#stanzaListeners]) {
      try {
        listener(stanza)
      } catch (error) {
        this.#options.onError?.(error)
      }
    }
  }
}
