/**
 * One XMPP connection for one device: login, automatic reconnection, and the two primitives
 * everything else is built on (send a stanza, ask an IQ). The rest of the adapter never touches
 * `@xmpp/client` directly, so its exceptions and events stop here.
 *
 * @module
 */
import { client as createClient, type Authenticate, type Client, type Element } from '@xmpp/client'
import { TransportError } from '@beckon/core'
import { errorCondition } from './decode.js'
import { parseAddress, type Address } from './jid.js'

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
  /** Delay before each reconnection attempt. Default 200 ms. */
  readonly reconnectDelayMs?: number
  /** How long an IQ may wait for its answer. Default 10 s. */
  readonly iqTimeoutMs?: number
  /** Where library errors go (they never throw out of the adapter). */
  readonly onError?: (error: unknown) => void
}

/** What happened to the connection. `online`: a new session; `resumed`: XEP-0198 resumed the old one. */
export type SessionEvent = 'online' | 'resumed' | 'down'

/** An IQ came back with an error: its defined condition (`item-not-found`, `forbidden`, …). */
export class IqError extends Error {
  override readonly name = 'IqError'
  constructor(readonly condition: string) {
    super(condition)
  }
}

let requests = 0

const isLoopback = (service: string): boolean => /^[a-z]+:\/\/(127\.|localhost|\[::1\])/i.test(service)

export class XmppSession {
  readonly me: Address
  readonly #client: Client
  readonly #options: SessionOptions
  readonly #stanzaListeners = new Set<(stanza: Element) => void>()
  readonly #eventListeners = new Set<(event: SessionEvent) => void>()
  #stopped = true

  constructor(options: SessionOptions) {
    this.#options = options
    const me = parseAddress(`${options.username}@${options.domain}/${options.resource}`)
    if (me === undefined) throw new TransportError('Rejected', `not a valid JID: ${options.username}@${options.domain}/${options.resource}`)
    this.me = me
    this.#client = createClient({
      service: options.service,
      domain: options.domain,
      resource: options.resource,
      credentials: (authenticate, mechanisms) => this.#authenticate(authenticate, mechanisms),
      // @xmpp/connection gives opening a stream 2 s by default; a busy server takes longer, and
      // a login that times out only comes back as another login on the same busy server.
      timeout: 15_000,
    })
    this.#client.reconnect.delay = options.reconnectDelayMs ?? 200
    this.#client.on('error', (error: unknown) => options.onError?.(error))
    this.#client.on('stanza', (stanza: Element) => this.#dispatch(stanza))
    this.#client.on('status', (status: string) => this.#onStatus(status))
    this.#client.streamManagement.on('resumed', () => this.#emit('resumed'))
  }

  get online(): boolean {
    return this.#client.status === 'online'
  }

  onStanza(listener: (stanza: Element) => void): () => void {
    this.#stanzaListeners.add(listener)
    return () => this.#stanzaListeners.delete(listener)
  }

  onEvent(listener: (event: SessionEvent) => void): () => void {
    this.#eventListeners.add(listener)
    return () => this.#eventListeners.delete(listener)
  }

  /** Connect; keeps retrying in the background (every `reconnectDelayMs`) if the server is away. */
  start(): void {
    this.#stopped = false
    this.#client.reconnect.start()
    if (this.#client.status !== 'offline') return
    this.#client.start().catch((error: unknown) => {
      this.#options.onError?.(error)
      // The reconnect module only retries after a disconnect; a refused first connection is one.
      if (!this.#stopped && this.#client.status === 'offline') setTimeout(() => this.#stopped || this.start(), this.#client.reconnect.delay)
    })
  }

  /** Close the stream cleanly and stop reconnecting. */
  async stop(): Promise<void> {
    this.#stopped = true
    this.#client.reconnect.stop()
    try {
      await this.#client.stop()
    } catch (error) {
      this.#options.onError?.(error)
    }
  }

  /** Report an error that did not fail an operation (a missing server feature, say). */
  reportError(error: unknown): void {
    this.#options.onError?.(error)
  }

  /** Drop the TCP connection without a goodbye, as a network failure would (tests). */
  drop(): void {
    this.#client.socket?.destroy()
  }

  async send(stanza: Element): Promise<void> {
    if (!this.online) throw new TransportError('Disconnected', 'not connected to the XMPP server')
    try {
      await this.#client.send(stanza)
    } catch {
      throw new TransportError('Disconnected', 'the connection to the XMPP server failed while sending')
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
   * Send an IQ and wait for its answer for as long as this session lasts: no timer, so a busy
   * server makes the caller wait rather than fail. Rejects with {@link IqError}, or with
   * `TransportError('Disconnected')` once the connection drops.
   */
  async request(stanza: Element): Promise<Element> {
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
      unsubscribe = () => {
        stopStanzas()
        stopEvents()
      }
    })
    try {
      await this.send(stanza)
      return await answer
    } finally {
      unsubscribe()
    }
  }

  #authenticate(authenticate: Authenticate, mechanisms: string[]): Promise<void> {
    const secure = this.#client.socket !== null && (this.#client.socket as { encrypted?: boolean }).encrypted === true
    const wanted = this.#options.mechanism ?? (secure || isLoopback(this.#options.service) ? 'PLAIN' : undefined)
    const mechanism = wanted !== undefined && mechanisms.includes(wanted) ? wanted : (mechanisms.find((m) => m !== 'PLAIN') ?? mechanisms[0] ?? 'PLAIN')
    return authenticate({ username: this.#options.username, password: this.#options.password }, mechanism)
  }

  #onStatus(status: string): void {
    if (status === 'connect') this.#client.socket?.setNoDelay(true) // else each round trip waits ~44 ms (Nagle + delayed ACK)
    if (status === 'online') this.#emit('online')
    if (status === 'disconnect' || status === 'offline') this.#emit('down')
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
