/**
 * A bare `@xmpp/client` connection to the test Prosody, with none of the adapter's rules: the
 * hostile peer of the security tests. It logs in as a real account, may sit in a room under any
 * nickname, and sends whatever stanza a test builds by hand.
 *
 * @module
 */
import { client as createClient, xml, type Client, type Element } from '@xmpp/client'
import { TEST_PASSWORD } from '../../scripts/prosody/server.js'
import { settings, until } from './support.js'

export const NS_MUC = 'http://jabber.org/protocol/muc'
export const NS_MUC_USER = 'http://jabber.org/protocol/muc#user'
export const NS_SIGNAL = 'urn:beckon:signaling:1'
export const NS_SID = 'urn:xmpp:sid:0'
export const NS_HINTS = 'urn:xmpp:hints'
export const NS_CORRECT = 'urn:xmpp:message-correct:0'

/** A logged-in raw connection and every stanza it received. */
export class RawClient {
  readonly received: Element[] = []
  readonly #client: Client

  private constructor(client: Client) {
    this.#client = client
    client.on('stanza', (stanza: Element) => this.received.push(stanza))
    client.on('error', () => undefined)
  }

  /** Log in as `account` (an account on the test server) with the given resource. */
  static async login(account: string, resource: string): Promise<RawClient> {
    const client = createClient({
      service: `xmpp://127.0.0.1:${settings.port}`,
      domain: settings.domain,
      resource,
      credentials: (authenticate) => authenticate({ username: account, password: TEST_PASSWORD }, 'PLAIN'),
    })
    const raw = new RawClient(client)
    await client.start()
    // `start` resolves before stream management is enabled; anything sent in between can make the
    // two ends count stanzas differently, and Prosody then closes the stream.
    await until(() => client.streamManagement.enabled, 'stream management')
    await client.send(xml('presence', {}))
    return raw
  }

  /** Sit in `room` as `nick` (no history); resolves once the room has echoed the self-presence. */
  async enterRoom(room: string, nick: string): Promise<void> {
    await this.#client.send(xml('presence', { to: `${room}/${nick}` }, xml('x', { xmlns: NS_MUC }, xml('history', { maxstanzas: '0' }))))
    await until(
      () => this.received.some((s) => s.is('presence') && s.attrs['from'] === `${room}/${nick}` && s.attrs['type'] !== 'error'),
      `the room to let ${nick} in`,
    )
  }

  /** Leave `room` (so that its nickname is free again). */
  async leaveRoom(room: string, nick: string): Promise<void> {
    await this.#client.send(xml('presence', { to: `${room}/${nick}`, type: 'unavailable' }))
    await until(() => this.received.some((s) => s.is('presence') && s.attrs['from'] === `${room}/${nick}` && s.attrs['type'] === 'unavailable'), `the room to let ${nick} go`)
  }

  send(stanza: Element): Promise<void> {
    return this.#client.send(stanza)
  }

  async stop(): Promise<void> {
    await this.#client.stop().catch(() => undefined)
  }
}
